import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "../../core/logger.js";
import { coded } from "../../core/runtime-errors.js";
import type {
  CancelResult,
  ClaimStarts,
  ClaimedRun,
  ClusterGateRequest,
  ClusterGateTicket,
  ClusterGateAwait,
  InsertOptions,
  JobListing,
  JobRetryRequest,
  JobStore,
  KeyHolder,
  NewRuntimeJob,
  RetryRequest,
  RunCompletion,
  RunTicket,
  ScheduleAdvance,
  ScheduleWrite,
  StoredSchedule,
  StoreHost,
} from "../job-store.js";
import type { JobCounts } from "../../state/job-query.js";
import type { JobState } from "../../state/job-state.js";
import { SNAPSHOT_LIST_LIMIT } from "../../state/scheduler-snapshot.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import { Cancels } from "./cancels.js";
import { Claims } from "./claims.js";
import { CancelBatcher } from "./cancel-batcher.js";
import { CancelRepository } from "./cancel-repository.js";
import {
  connectionTarget,
  describeConnectionError,
  type ConnectionTarget,
} from "./connection-errors.js";
import { DirectInserts } from "./direct-inserts.js";
import { GateSlots } from "./gate-slots.js";
import { GateWaits } from "./gate-waits.js";
import { beat } from "./heartbeat.js";
import { InsertBatcher } from "./insert-batcher.js";
import { JobInsertRepository } from "./job-insert-repository.js";
import { migrate } from "./migrations.js";
import { NextDueHint } from "./next-due-hint.js";
import type { WakeUpNotice } from "./notifications.js";
import { PausedJobNames } from "./paused-job-names.js";
import { gatherPlannerStatistics } from "./planner-statistics.js";
import { poll } from "./poll.js";
import { PoolErrorListener, withPooledClient } from "./pool-usage.js";
import {
  resolvePostgresStoreOptions,
  type PostgresStoreOptions,
  type ResolvedPostgresStoreOptions,
} from "./postgres-store-options.js";
import type { Queryable } from "./queryable.js";
import { QueueRepository } from "./queue-repository.js";
import { Retention } from "./retention.js";
import { toJobState, toOutcomeInfo, toRunInfo } from "./row-mapping.js";
import { ScheduleRepository } from "./schedule-repository.js";
import { PostgresSchedules } from "./schedules.js";
import type { StoreContext } from "./store-context.js";
import { StoreInserts } from "./store-inserts.js";
import { StoreTimers } from "./store-timers.js";
import { WakeUpListener } from "./wake-up-listener.js";

/** The PostgreSQL store: a {@link JobStore} plus what only it has. */
export interface PostgresJobStore extends JobStore {
  /** The schema holding the store's tables. */
  readonly schema: string;
  /** This process's lease owner id (in `runs.owner`). */
  readonly workerId: string;
  /**
   * Closes the store and, when it created its own pool (`connectionString`), ends that pool. A pool
   * you gave is left open, without the store's 'error' listener (docs/postgres.md, "Your pool").
   */
  end(): Promise<void>;
}

/**
 * A durable store for runtime jobs shared by several worker processes: due runs are leased with
 * `FOR UPDATE SKIP LOCKED`, leases are extended by a heartbeat and reclaimed when a worker dies,
 * `LISTEN/NOTIFY` wakes idle workers and carries cancels to the process running a job, recurring
 * slots are claimed once per `(job, due time)` across processes. Its SQL is in
 * `sql/migrations/` and `sql/statements/` (docs/postgres.md, "Schema and statements").
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

/** The parts of an open store; `null` while closed. */
interface OpenStore {
  readonly context: StoreContext;
  readonly claims: Claims;
  readonly retention: Retention;
  readonly listener: WakeUpListener;
  readonly inserts: InsertBatcher;
  readonly timers: StoreTimers;
}

/**
 * Composes the store's parts: {@link Claims} (the claim path and its {@link LeaseBatcher}),
 * {@link Cancels}, the background tasks ({@link beat heartbeat}, {@link poll}, {@link Retention},
 * planner statistics) on {@link StoreTimers}, the {@link WakeUpListener} and the {@link InsertBatcher};
 * statements go through the {@link QueueRepository}, {@link JobInsertRepository} (enqueues) and
 * {@link CancelRepository} (cancels).
 */
class PostgresStore implements PostgresJobStore {
  readonly name = "postgres";
  readonly workerId = randomUUID();
  readonly #options: ResolvedPostgresStoreOptions;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #poolErrors: PoolErrorListener;
  readonly #target: ConnectionTarget;
  readonly #queue: QueueRepository;
  readonly #inserts: JobInsertRepository;
  readonly #cancels: Cancels;
  readonly #insertPath: StoreInserts;
  readonly #schedules: PostgresSchedules;
  readonly #gates: GateSlots;
  readonly #gateWaits: GateWaits;
  readonly #paused = new PausedJobNames();
  #open: OpenStore | null = null;
  #opening = false;
  #pollInFlight: Promise<void> | null = null;
  #occurrenceAnswers: Promise<void> = Promise.resolve();
  #gateAnswers: Promise<void> = Promise.resolve();

  constructor(options: ResolvedPostgresStoreOptions) {
    this.#options = options;
    this.#ownsPool = options.pool === null;
    this.#pool =
      options.pool ??
      new pg.Pool({ connectionString: options.connectionString!, allowExitOnIdle: true });
    this.#poolErrors = new PoolErrorListener(
      this.#pool,
      () => this.#open?.context.host.logger ?? SILENT,
    );
    // Its own pool lives as long as the store; a given pool is listened to only while the store is open.
    if (this.#ownsPool) this.#poolErrors.attach();
    this.#target = connectionTarget(this.#pool);
    this.#queue = new QueueRepository(options.schema);
    const inserts = new JobInsertRepository(options.schema);
    this.#inserts = inserts;
    this.#cancels = new Cancels(
      new CancelBatcher(new CancelRepository(options.schema), {
        query: this.#pool.query.bind(this.#pool) as Queryable["query"],
      }),
      this.workerId,
      () => this.#open?.claims.leases ?? null,
    );
    this.#insertPath = new StoreInserts(
      new DirectInserts(inserts, this.#queue, this.#pool),
      this.#target,
      () => this.#open,
    );
    this.#gates = new GateSlots(options.schema, this.#pool, this.workerId, options.leaseMs);
    // Asked again at least three times a lease: each ask refreshes the waiter row's lease.
    this.#gateWaits = new GateWaits(
      this.#gates,
      Math.max(1, Math.min(options.pollIntervalMs, Math.floor(options.leaseMs / 3))),
      () => this.#open?.context.host ?? null,
    );
    this.#schedules = new PostgresSchedules(
      new ScheduleRepository(options.schema),
      this.#pool,
      () => this.#open?.context.host.now() ?? Date.now(),
      (dueTimeMs) => this.#open?.context.learnDue(dueTimeMs),
    );
  }

  get schema(): string {
    return this.#options.schema.name;
  }

  async open(host: StoreHost): Promise<void> {
    if (this.#open !== null || this.#opening) {
      throw coded(
        new Error(
          "postgresStore: this store is already open; give each scheduler its own postgresStore().",
        ),
        "ELR513",
      );
    }
    this.#opening = true;
    this.#poolErrors.attach();
    try {
      this.#open = await this.#start(host);
    } catch (error) {
      if (!this.#ownsPool) this.#poolErrors.detach();
      throw error;
    } finally {
      this.#opening = false;
    }
  }

  async #start(host: StoreHost): Promise<OpenStore> {
    await withPooledClient(this.#pool, (client) => migrate(client, this.#options.schema)).catch(
      (error: unknown) => {
        throw describeConnectionError(error, this.#target, "start");
      },
    );
    const nextDue = new NextDueHint();
    const context: StoreContext = {
      options: this.#options,
      pool: this.#pool,
      queue: this.#queue,
      workerId: this.workerId,
      host,
      nextDue,
      describe: (error, doing) => messageOf(describeConnectionError(error, this.#target, doing)),
      learnDue: (dueTimeMs) => {
        if (this.#open?.context === context && nextDue.learn(dueTimeMs, host.now())) host.wake();
      },
    };
    const timers = new StoreTimers(host);
    const retention = new Retention(context);
    const claims = new Claims(context, timers, retention, () => this.#cancels.inFlight());
    const listener = new WakeUpListener(
      this.#pool,
      this.#options.schema,
      { notice: (notice) => this.#onNotice(notice, context), reconnected: () => this.#catchUp() },
      host,
    );
    try {
      await listener.start();
      await claims.connection.warm();
      await this.#paused.refresh(context);
      nextDue.answered(await this.#queue.nextDueTime(this.#pool));
      await gatherPlannerStatistics(context);
    } catch (error) {
      await listener.stop();
      await claims.connection.close();
      await timers.stop();
      throw describeConnectionError(error, this.#target, "start");
    }
    const inserts = new InsertBatcher(
      this.#inserts,
      this.#pool,
      (rows) => context.learnDue(Math.min(...rows.map((row) => row.dueTimeMs))),
      (error) => describeConnectionError(error, this.#target, "enqueue a job"),
    );
    timers.every(this.#options.heartbeatMs, () => beat(context, claims.leases, this.#cancels));
    timers.every(this.#options.pollIntervalMs, () => this.#poll(context, retention));
    timers.every(this.#options.heartbeatMs, () =>
      this.#gates.extend().catch((error: unknown) => {
        host.logger.warn("postgresStore: extending gate slots failed; retrying at the next beat", {
          error: context.describe(error, "extend gate slots"),
        });
      }),
    );
    return { context, claims, retention, listener, inserts, timers };
  }

  async close(): Promise<void> {
    const open = this.#open;
    if (open === null) return;
    this.#gateWaits.close();
    await open.timers.stop();
    await open.listener.stop();
    await this.#pollInFlight;
    await open.claims.close();
    // A pass started by the last completions must not outlive the store (nor a pool it ends).
    await open.retention.settled();
    this.#open = null;
    if (!this.#ownsPool) this.#poolErrors.detach();
  }

  async end(): Promise<void> {
    await this.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  insertJob(job: NewRuntimeJob, options?: InsertOptions): Promise<KeyHolder | undefined> {
    return this.#insertPath.insertJob(job, options);
  }

  insertJobs(
    jobs: readonly NewRuntimeJob[],
    options?: InsertOptions,
  ): Promise<(KeyHolder | null)[]> {
    return this.#insertPath.insertJobs(jobs, options);
  }

  async claimDueRuns(
    nowMs: number,
    limit: number,
    starts?: ClaimStarts,
  ): Promise<readonly ClaimedRun[]> {
    return this.#open?.claims.claimDueRuns(nowMs, limit, starts) ?? [];
  }

  nextDueTime(): number | null {
    return this.#open?.claims.nextDueTime() ?? null;
  }

  markStarted(ticket: RunTicket, startedAtMs: number): Promise<boolean> | boolean {
    return this.#open?.claims.markStarted(ticket, startedAtMs) ?? false;
  }

  /** Asked ahead by the dispatcher for runs next in line for a slot (see complete-and-claim.sql, Cancels). */
  allowStart(ticket: RunTicket, atMs: number): Promise<boolean> | boolean {
    return this.#open?.claims.allowStart(ticket, atMs) ?? false;
  }

  async completeRun(ticket: RunTicket, completion: RunCompletion): Promise<boolean> {
    return this.#open?.claims.completeRun(ticket, completion) ?? false;
  }

  async scheduleRetry(ticket: RunTicket, retry: RetryRequest): Promise<boolean> {
    return this.#open?.claims.scheduleRetry(ticket, retry) ?? false;
  }

  /**
   * Durable: nothing is written. The store's heartbeat stops with `close()` (which follows at
   * once), so the run's lease expires after `leaseMs` and another worker runs the job again.
   */
  abandonRun(): void {}

  async releaseRun(ticket: RunTicket): Promise<void> {
    await this.#open?.claims.releaseRun(ticket);
  }

  cancelJob(jobId: string, atMs: number): Promise<CancelResult> {
    return this.#cancels.cancelJob(jobId, atMs);
  }

  cancelRun(runId: string, atMs: number): Promise<CancelResult> {
    return this.#cancels.cancelRun(runId, atMs);
  }

  async getJob(jobId: string): Promise<JobState | null> {
    if (!UUID_PATTERN.test(jobId)) return null;
    const row = await this.#queue.getJob(this.#pool, jobId);
    return row === null ? null : toJobState(row);
  }

  async listQueuedRuns(): Promise<readonly RunInfo[]> {
    return (await this.#queue.queuedRuns(this.#pool, SNAPSHOT_LIST_LIMIT)).map(toRunInfo);
  }

  async listActiveRuns(): Promise<readonly RunInfo[]> {
    return (await this.#queue.activeRuns(this.#pool, SNAPSHOT_LIST_LIMIT)).map(toRunInfo);
  }

  async listRecentOutcomes(): Promise<readonly OutcomeInfo[]> {
    return (await this.#queue.recentOutcomes(this.#pool)).map(toOutcomeInfo);
  }

  async nextDueTimes(): Promise<ReadonlyMap<string, number>> {
    return this.#queue.nextDueTimesByJob(this.#pool);
  }

  /** Telemetry's `scheduler.job.queued` gauge: one aggregate over the queued runs. */
  async queuedRunCounts(): Promise<ReadonlyMap<string, number>> {
    return this.#queue.queuedRunCounts(this.#pool);
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

  /** Cluster-wide gates (sql/statements/acquire-gate-slot.sql): see {@link GateSlots}. */
  acquireGate(request: ClusterGateRequest): Promise<ClusterGateTicket | null> {
    // One at a time, in call order: runs due together start in the order they were admitted, and
    // this process's requests never race each other for the same free slot.
    const answer = this.#gateAnswers.then(() => this.#gates.acquire(request));
    this.#gateAnswers = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  }

  releaseGate(ticket: ClusterGateTicket): Promise<void> {
    // This process's own waiters for the gate ask at once: the NOTIFY reaches the others.
    return this.#gates.release(ticket).then(() => this.#gateWaits.freedHere(ticket.gate));
  }

  /** Cluster-wide gates a run waits for (sql/statements/await-gate-slot.sql): see {@link GateWaits}. */
  awaitGate(request: ClusterGateRequest): ClusterGateAwait {
    if (this.#open === null) return { answer: Promise.resolve(null), asked: Promise.resolve() };
    return this.#gateWaits.wait(request);
  }

  withdrawGateWait(gate: string, runId: string): Promise<void> | undefined {
    return this.#gateWaits.withdraw(gate, runId);
  }

  getSchedule(scheduleKey: string): Promise<StoredSchedule | null> {
    return this.#schedules.get(scheduleKey);
  }

  listSchedules(): Promise<readonly StoredSchedule[]> {
    return this.#schedules.list();
  }

  writeSchedule(write: ScheduleWrite): Promise<boolean> {
    return this.#schedules.write(write);
  }

  removeSchedule(scheduleKey: string): Promise<boolean> {
    return this.#schedules.remove(scheduleKey);
  }

  advanceSchedule(advance: ScheduleAdvance): Promise<boolean> {
    return this.#schedules.advance(advance);
  }

  schedulesToRepair(scheduleKey?: string): Promise<readonly StoredSchedule[]> {
    return this.#schedules.toRepair(scheduleKey);
  }

  // ---- operations (docs/semantics.md#operating-jobs), cluster-wide ------------------------------

  async listJobs(query: JobListing): Promise<readonly JobState[]> {
    return (await this.#queue.listJobs(this.#pool, query)).map(toJobState);
  }

  countJobs(jobName: string | null): Promise<JobCounts> {
    return this.#queue.countJobs(this.#pool, jobName);
  }

  async retryJob(jobId: string, retry: JobRetryRequest): Promise<JobState | null> {
    const row = await this.#queue.retryJob(this.#pool, jobId, retry.newRunId, retry.dueTimeMs);
    if (row === null) return null;
    this.#open?.context.learnDue(retry.dueTimeMs);
    return toJobState(row);
  }

  /** Recorded in paused_jobs (durable), told to every listener; this process knows at once. */
  async setJobPaused(jobName: string, paused: boolean): Promise<void> {
    if (paused) {
      await this.#queue.pauseJob(this.#pool, jobName);
    } else {
      await withPooledClient(this.#pool, (client) => this.#queue.resumeJob(client, jobName));
    }
    this.#paused.set(jobName, paused);
  }

  isJobPaused(jobName: string): boolean {
    return this.#paused.has(jobName);
  }

  pausedJobNames(): Promise<ReadonlySet<string>> {
    return this.#queue.pausedJobNames(this.#pool);
  }

  /**
   * Hands a claimed run back (held, when its name is paused in the database), then reads the paused
   * names again: should this process's view be behind (a resume whose notice has not arrived), the
   * run is queued and claimed again, and must not be handed back again and again.
   */
  async returnRun(ticket: RunTicket): Promise<boolean> {
    const open = this.#open;
    if (open === null) return false;
    const returned = await open.claims.returnRun(ticket);
    await this.#paused.refresh(open.context).catch((error: unknown) => {
      open.context.host.logger.warn(
        "postgresStore: could not read the paused job names; the next poll will",
        {
          error: open.context.describe(error, "read the paused job names"),
        },
      );
    });
    return returned;
  }

  /** One poll at a time, whether the timer or a reconnect asked for it. */
  #poll(context: StoreContext, retention: Retention): Promise<void> {
    this.#pollInFlight ??= poll(context, retention, this.#paused).finally(() => {
      this.#pollInFlight = null;
    });
    return this.#pollInFlight;
  }

  #onNotice(notice: WakeUpNotice, context: StoreContext): void {
    if (notice.kind === "new-work") context.learnDue(notice.dueTimeMs);
    else if (notice.kind === "cancel") this.#cancels.requested(notice.runId, context.host);
    else if (notice.kind === "gate-freed") this.#gateWaits.freed(notice.gatePrefix);
    else this.#paused.set(notice.jobName, notice.kind === "paused");
  }

  /** After the listener reconnects: catch up on notices that may have been missed meanwhile. */
  #catchUp(): void {
    const open = this.#open;
    if (open === null) return;
    void this.#poll(open.context, open.retention);
    void beat(open.context, open.claims.leases, this.#cancels);
    this.#gateWaits.askAll();
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SILENT: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
