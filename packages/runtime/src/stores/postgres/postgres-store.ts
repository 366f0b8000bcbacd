import { randomUUID } from "node:crypto";
import pg from "pg";
import type {
  CancelResult,
  ClaimedRun,
  InsertOptions,
  JobStore,
  NewRuntimeJob,
  RetryRequest,
  RunCompletion,
  RunTicket,
  StoreHost,
} from "../job-store.js";
import type { JobState } from "../../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import { connectionTarget, describeConnectionError, type ConnectionTarget } from "./connection-errors.js";
import { InsertBatcher } from "./insert-batcher.js";
import { LeaseBatcher } from "./lease-batcher.js";
import { migrate } from "./migrations.js";
import type { WakeUpNotice } from "./notifications.js";
import { resolvePostgresStoreOptions, type PostgresStoreOptions, type ResolvedPostgresStoreOptions } from "./postgres-store-options.js";
import { isQueryable } from "./queryable.js";
import { screenClaimedRow } from "./claim-screening.js";
import { minOrNull, NextDueHint } from "./next-due-hint.js";
import type { CancelRow, NewJobRow } from "./queue-rows.js";
import { QueueRepository } from "./queue-repository.js";
import { toClaimedRun, toJobState, toOutcomeInfo, toRunInfo } from "./row-mapping.js";
import { WakeUpListener } from "./wake-up-listener.js";

/** Snapshot lists stop at this many rows each, so a snapshot of a huge queue stays cheap. */
const SNAPSHOT_ROW_LIMIT = 10_000;
const CLAIM_RETRY_WAKE_MS = 500;

/** The PostgreSQL store: a {@link JobStore} plus what only it has. */
export interface PostgresJobStore extends JobStore {
  /** The schema holding the store's tables. */
  readonly schema: string;
  /** This process's lease owner id (in `runs.owner`). */
  readonly workerId: string;
  /** Closes the store and, when it created its own pool (`connectionString`), ends that pool. */
  end(): Promise<void>;
}

/**
 * A durable store for runtime jobs shared by several worker processes: due runs are leased with
 * `FOR UPDATE SKIP LOCKED`, leases are extended by a heartbeat and reclaimed when a worker dies,
 * `LISTEN/NOTIFY` wakes idle workers and carries cancels to the process running a job, recurring
 * slots are claimed once per `(job, due time)` across processes.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { postgresStore } from "@elarion/runtime/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const scheduler = createScheduler({ registry: jobRegistry, services, store: postgresStore({ pool }) });
 * await scheduler.start(); // migrates the "elarion" schema
 *
 * // Join your transaction: the job exists only if the order does.
 * const client = await pool.connect();
 * await client.query("BEGIN");
 * await client.query("INSERT INTO orders ...");
 * await scheduler.enqueue(SendReceiptJob, { orderId }, { client });
 * await client.query("COMMIT");
 * client.release();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresJobStore {
  return new PostgresStore(resolvePostgresStoreOptions(options));
}

class PostgresStore implements PostgresJobStore {
  readonly name = "postgres";
  readonly workerId = randomUUID();
  readonly #options: ResolvedPostgresStoreOptions;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #target: ConnectionTarget;
  readonly #queue: QueueRepository;
  #host: StoreHost | null = null;
  #leases: LeaseBatcher | null = null;
  #inserts: InsertBatcher | null = null;
  #listener: WakeUpListener | null = null;
  #timers: NodeJS.Timeout[] = [];
  #claimRetryWake: NodeJS.Timeout | null = null;
  #polling = false;
  #occurrenceAnswers: Promise<void> = Promise.resolve();
  #finishedSinceRetention = 0;
  #retentionInFlight: Promise<void> | null = null;
  #retentionNext: Promise<void> | null = null;
  readonly #cancelsInFlight = new Set<Promise<CancelResult>>();
  /** A claim was refused for want of room: wake the dispatcher when leases end. */
  #waitingForRoom = false;
  readonly #nextDue = new NextDueHint();

  constructor(options: ResolvedPostgresStoreOptions) {
    this.#options = options;
    this.#ownsPool = options.pool === null;
    this.#pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString!, allowExitOnIdle: true });
    if (this.#ownsPool) this.#pool.on("error", () => undefined); // idle-client errors: the next query reconnects
    this.#target = connectionTarget(this.#pool);
    this.#queue = new QueueRepository(options.schema);
  }

  get schema(): string {
    return this.#options.schema.name;
  }

  async open(host: StoreHost): Promise<void> {
    if (this.#host !== null) throw new Error("postgresStore: this store is already open; give each scheduler its own postgresStore().");
    const client = await this.#pool.connect().catch((error: unknown) => {
      throw describeConnectionError(error, this.#target, "start");
    });
    try {
      await migrate(client, this.#options.schema);
    } finally {
      client.release();
    }
    const leases = new LeaseBatcher(this.#queue, this.#pool, this.workerId, this.#options.leaseMs, {
      now: () => host.now(),
      screen: (row) => screenClaimedRow(row, host),
      nextDue: (dueTimeMs) => this.#nextDue.answered(dueTimeMs),
      failed: (error) => this.#roundTripFailed(error),
      completed: (count) => this.#retainAfter(count, host),
      cancelsInFlight: () => (this.#cancelsInFlight.size === 0 ? null : Promise.allSettled([...this.#cancelsInFlight])),
      released: () => {
        if (this.#waitingForRoom && (this.#leases?.heldCount ?? 0) < this.#options.maxLeasedRuns) {
          this.#waitingForRoom = false;
          host.wake();
        }
      },
      logger: host.logger,
    });
    const listener = new WakeUpListener(
      this.#pool,
      this.#options.schema,
      { notice: (notice) => this.#onNotice(notice), reconnected: () => this.#catchUp() },
      host.logger,
    );
    try {
      await listener.start();
      this.#nextDue.answered(await this.#queue.nextDueTime(this.#pool));
      await this.#gatherStatistics(host);
    } catch (error) {
      await listener.stop();
      throw describeConnectionError(error, this.#target, "start");
    }
    this.#host = host;
    this.#leases = leases;
    this.#listener = listener;
    this.#inserts = new InsertBatcher(this.#queue, this.#pool, (rows) => this.#learnDue(Math.min(...rows.map((r) => r.dueTimeMs))), (error) =>
      describeConnectionError(error, this.#target, "enqueue a job"),
    );
    this.#every(this.#options.heartbeatMs, () => this.#heartbeat());
    this.#every(this.#options.pollIntervalMs, () => this.#poll());
  }

  async close(): Promise<void> {
    const leases = this.#leases;
    if (leases === null) return;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (this.#claimRetryWake !== null) clearTimeout(this.#claimRetryWake);
    this.#claimRetryWake = null;
    await this.#listener?.stop();
    this.#listener = null;
    await leases.close();
    // A pass started by the last completions must not outlive the store (nor a pool it ends).
    await (this.#retentionNext ?? this.#retentionInFlight);
    this.#leases = null;
    this.#inserts = null;
    this.#host = null;
  }

  async end(): Promise<void> {
    await this.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  async insertJob(job: NewRuntimeJob, options?: InsertOptions): Promise<void> {
    const row: NewJobRow = { ...job };
    const client = options?.client;
    if (client !== undefined && client !== null) {
      if (!isQueryable(client)) {
        throw new TypeError(
          "postgresStore: options.client must be a pg client inside your transaction (const client = await pool.connect(); " +
            `await client.query("BEGIN")), got ${typeof client}.`,
        );
      }
      // The NOTIFY commits with the caller's transaction; listeners (this one too) learn of the job then.
      await this.#queue.insertJobs(client, [row]).catch((error: unknown) => {
        throw describeConnectionError(error, this.#target, "enqueue a job");
      });
      return;
    }
    if (this.#inserts === null) throw new Error("postgresStore: the store is not open; start the scheduler before scheduling jobs.");
    await this.#inserts.insert(row);
  }

  async claimDueRuns(nowMs: number, limit: number): Promise<readonly ClaimedRun[]> {
    if (this.#leases === null || limit <= 0) return [];
    const room = this.#options.maxLeasedRuns - this.#leases.heldCount;
    if (room <= 0) {
      this.#waitingForRoom = true;
      return [];
    }
    this.#nextDue.queryStarted();
    const asked = Math.min(limit, room);
    const rows = await this.#leases.claim(nowMs, asked);
    if (rows.length === asked) {
      // A full batch: more may be due now. Say so, and wake the dispatcher when leases end.
      this.#nextDue.dueBy(nowMs);
      if (asked < limit) this.#waitingForRoom = true;
    }
    return rows.map(toClaimedRun);
  }

  nextDueTime(): number | null {
    const prefetched = this.#leases?.earliestPrefetched() ?? null;
    return minOrNull(prefetched, this.#nextDue.value);
  }

  markStarted(ticket: RunTicket, startedAtMs: number): Promise<boolean> | boolean {
    const leases = this.#leases;
    const runId = ticket.claimed.runId;
    if (leases === null || !leases.holds(runId)) return false;
    return leases.markStarted(runId, startedAtMs).then(() => true);
  }

  async completeRun(ticket: RunTicket, completion: RunCompletion): Promise<boolean> {
    if (this.#leases === null) return false;
    return this.#leases.complete({ runId: ticket.claimed.runId, ...completion });
  }

  async scheduleRetry(ticket: RunTicket, retry: RetryRequest): Promise<boolean> {
    if (this.#leases === null) return false;
    const accepted = await this.#leases.complete({
      runId: ticket.claimed.runId,
      status: "failed",
      message: retry.lastError,
      startedAtMs: retry.startedAtMs,
      completedAtMs: retry.failedAtMs,
      retry: { runId: retry.newRunId, dueTimeMs: retry.dueTimeMs },
    });
    if (accepted) this.#learnDue(retry.dueTimeMs);
    return accepted;
  }

  /** A durable queue outlives this process: a run that never started goes back for other workers. */
  async releaseRun(ticket: RunTicket): Promise<void> {
    await this.#leases?.release(ticket.claimed.runId);
  }

  cancelJob(jobId: string, atMs: number): Promise<CancelResult> {
    return this.#trackCancel(async () => this.#cancelResult(await this.#queue.cancelJob(this.#pool, jobId, atMs), atMs));
  }

  cancelRun(runId: string, atMs: number): Promise<CancelResult> {
    return this.#trackCancel(async () => this.#cancelResult(await this.#queue.cancelRun(this.#pool, runId, atMs), atMs));
  }

  #trackCancel(cancel: () => Promise<CancelResult>): Promise<CancelResult> {
    const work = cancel();
    this.#cancelsInFlight.add(work);
    void work.finally(() => this.#cancelsInFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async getJob(jobId: string): Promise<JobState | null> {
    if (!UUID_PATTERN.test(jobId)) return null;
    const row = await this.#queue.getJob(this.#pool, jobId);
    return row === null ? null : toJobState(row);
  }

  async listQueuedRuns(): Promise<readonly RunInfo[]> {
    return (await this.#queue.queuedRuns(this.#pool, SNAPSHOT_ROW_LIMIT)).map(toRunInfo);
  }

  async listActiveRuns(): Promise<readonly RunInfo[]> {
    return (await this.#queue.activeRuns(this.#pool, SNAPSHOT_ROW_LIMIT)).map(toRunInfo);
  }

  async listRecentOutcomes(): Promise<readonly OutcomeInfo[]> {
    return (await this.#queue.recentOutcomes(this.#pool)).map(toOutcomeInfo);
  }

  async nextDueTimes(): Promise<ReadonlyMap<string, number>> {
    return this.#queue.nextDueTimesByJob(this.#pool);
  }

  claimOccurrence(jobName: string, dueTimeMs: number): Promise<boolean> {
    // Claims run in parallel but answer in call order, so catch-up slots start in due order.
    const claim = this.#queue.claimOccurrence(this.#pool, jobName, dueTimeMs, this.workerId);
    const answer = this.#occurrenceAnswers.then(() => claim);
    this.#occurrenceAnswers = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  }

  /**
   * Retention after completions: a pass once as many jobs finished as an eighth of the limit (at
   * least one), so the table stays near `maxRetainedCompletedJobs` without a pass per completion.
   */
  #retainAfter(count: number, host: StoreHost): Promise<void> | null {
    this.#finishedSinceRetention += count;
    const limit = this.#options.maxFinishedJobs ?? host.maxRetainedCompletedJobs;
    if (this.#finishedSinceRetention < Math.max(1, Math.floor(limit / 8))) return null;
    this.#finishedSinceRetention = 0;
    return this.#retentionPass(host);
  }

  /** Planner statistics for a backlog on fresh tables (see `statisticsMissing`); best effort. */
  async #gatherStatistics(host: StoreHost): Promise<void> {
    try {
      await this.#queue.analyzeIfNeverAnalysed(this.#pool);
    } catch (error) {
      host.logger.debug("postgresStore: could not analyse the queue tables; autovacuum will", {
        error: errorMessage(describeConnectionError(error, this.#target, "analyse the queue tables")),
      });
    }
  }

  /**
   * One retention pass at a time (completions no longer wait in line behind it, so passes could
   * otherwise pile up); whoever asks during a pass shares the single pass queued after it.
   */
  #retentionPass(host: StoreHost): Promise<void> {
    const inFlight = this.#retentionInFlight;
    if (inFlight === null) {
      const pass = this.#applyRetention(host).finally(() => {
        this.#retentionInFlight = null;
      });
      this.#retentionInFlight = pass;
      return pass;
    }
    this.#retentionNext ??= inFlight.then(() => {
      this.#retentionNext = null;
      return this.#retentionPass(host);
    });
    return this.#retentionNext;
  }

  async #applyRetention(host: StoreHost): Promise<void> {
    try {
      await this.#queue.applyRetention(this.#pool, {
        maxFinishedJobs: this.#options.maxFinishedJobs ?? host.maxRetainedCompletedJobs,
        maxAgeMs: this.#options.maxAgeMs,
        nowMs: host.now(),
        occurrenceHorizonMs: host.now() - this.#options.occurrenceHorizonMs,
      });
    } catch (error) {
      host.logger.warn("postgresStore: retention failed; retrying later", {
        error: errorMessage(describeConnectionError(error, this.#target, "apply retention")),
      });
    }
  }

  async #cancelResult(row: CancelRow, atMs: number): Promise<CancelResult> {
    if (row.outcome === "not-found") return { outcome: "not-found", runId: null, ownedHere: false };
    if (row.outcome === "cancelled-before-start") return { outcome: row.outcome, runId: row.runId, ownedHere: false };
    const leases = this.#leases;
    // Leased to this process by a claim whose answer has not been read yet: read it first.
    if (row.owner === this.workerId && leases !== null && !leases.holds(row.runId)) await leases.claimsAnswered();
    const ownedHere = row.owner === this.workerId && leases !== null && leases.holds(row.runId);
    if (ownedHere && leases.isPrefetched(row.runId)) {
      // Leased by this process but never handed to the dispatcher: it simply never starts.
      const ended = await leases.completePrefetched(row.runId, {
        status: "cancelled",
        message: "cancelled before execution",
        startedAtMs: null,
        completedAtMs: atMs,
      });
      if (ended) return { outcome: "cancelled-before-start", runId: row.runId, ownedHere: false };
    }
    return { outcome: "abort-active", runId: row.runId, ownedHere };
  }

  #onNotice(notice: WakeUpNotice): void {
    if (notice.kind === "new-work") {
      this.#learnDue(notice.dueTimeMs);
      return;
    }
    this.#cancelRequested(notice.runId);
  }

  /** A cancel for a run this process may hold (NOTIFY, or the heartbeat's fallback flag). */
  #cancelRequested(runId: string): void {
    const leases = this.#leases;
    if (leases === null || !leases.holds(runId)) return;
    if (leases.isPrefetched(runId)) {
      void leases.completePrefetched(runId, { status: "cancelled", message: "cancelled", startedAtMs: null, completedAtMs: this.#host!.now() });
      return;
    }
    this.#host?.abortRun(runId, "cancelled");
  }

  /** New work due at `dueTimeMs` exists (a notice, a local insert or retry). */
  #learnDue(dueTimeMs: number): void {
    const host = this.#host;
    if (host !== null && this.#nextDue.learn(dueTimeMs, host.now())) host.wake();
  }

  #roundTripFailed(error: unknown): void {
    const host = this.#host;
    host?.logger.error("postgresStore: claiming or completing runs failed; retrying", {
      error: errorMessage(describeConnectionError(error, this.#target, "claim or complete runs")),
    });
    if (host === null || this.#claimRetryWake !== null) return;
    this.#claimRetryWake = setTimeout(() => {
      this.#claimRetryWake = null;
      this.#host?.wake();
    }, CLAIM_RETRY_WAKE_MS);
    this.#claimRetryWake.unref();
  }

  async #heartbeat(): Promise<void> {
    const leases = this.#leases;
    const host = this.#host;
    if (leases === null || host === null) return;
    try {
      await leases.extendLeases({
        lost: (runId) => {
          host.logger.warn("postgresStore: lost the lease of a run (heartbeat too late); another worker may run it again", { runId });
          host.abortRun(runId, "lease lost");
        },
        cancelRequested: (runId) => this.#cancelRequested(runId),
      });
    } catch (error) {
      host.logger.warn("postgresStore: heartbeat failed; retrying at the next beat", {
        error: errorMessage(describeConnectionError(error, this.#target, "extend leases")),
      });
    }
  }

  /** The slow fallback: expired leases, missed notices, retention. */
  async #poll(): Promise<void> {
    const host = this.#host;
    if (host === null || this.#polling) return;
    this.#polling = true;
    try {
      const { failed } = await this.#queue.reclaimExpired(this.#pool, host.now(), this.#options.maxLeaseExpiries);
      if (failed > 0) {
        host.logger.error("postgresStore: runs lost their worker too often and ended failed (see their jobs' lastError)", {
          failed,
          maxLeaseExpiries: this.#options.maxLeaseExpiries,
        });
      }
      this.#nextDue.queryStarted();
      const before = this.#nextDue.value;
      this.#nextDue.answered(await this.#queue.nextDueTime(this.#pool));
      const after = this.#nextDue.value;
      if (after !== null && (after <= host.now() || before === null || after < before)) host.wake();
      await this.#retentionPass(host);
      await this.#gatherStatistics(host);
    } catch (error) {
      host.logger.warn("postgresStore: background poll failed; retrying at the next poll", {
        error: errorMessage(describeConnectionError(error, this.#target, "poll")),
      });
    } finally {
      this.#polling = false;
    }
  }

  /** After the listener reconnects: catch up on notices that may have been missed. */
  #catchUp(): void {
    void this.#poll();
    void this.#heartbeat();
  }

  #every(intervalMs: number, task: () => Promise<void>): void {
    const timer = setInterval(() => void task(), intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
