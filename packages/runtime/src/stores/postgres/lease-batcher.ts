import type { ClockTimer } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { isConnectionError } from "./connection-errors.js";
import type { Queryable } from "./queryable.js";
import { leaseInvariantViolations } from "./lease-invariants.js";
import { PrefetchedRuns } from "./prefetched-runs.js";
import { type PendingCompletion, type PendingStart, startsAfter } from "./pending-leases.js";
import { recordRefusedBatch } from "./refused-batch.js";
import type {
  ClaimedRunRow,
  CompleteAndClaimResult,
  RunCompletionRow,
  RunStartRow,
} from "./queue-rows.js";
import type { QueueRepository } from "./queue-repository.js";
import { OutcomeMessage } from "../../state/vocabulary.js";
import type { ClaimStarts } from "../store-records.js";

/** What the batcher needs from its store. */
export interface LeaseBatcherHooks {
  /** The scheduler's clock (StoreHost.now). */
  now(): number;
  /** The scheduler's timers (StoreHost.setTimer): the retry after a failed round trip waits on it. */
  setTimer(atMs: number, callback: () => void): ClockTimer;
  /**
   * Sorts freshly leased rows: `"run"` hands the row to the dispatcher; a completion ends it at
   * once (unregistered job, unreadable payload, cancel already requested).
   */
  screen(row: ClaimedRunRow): "run" | Omit<RunCompletionRow, "runId" | "claims">;
  /** Earliest future due time seen by the last round trip. */
  nextDue(dueTimeMs: number | null, sinceMs: number): void;
  /**
   * `count` completions were just recorded. May return retention work, awaited before their
   * callers hear back (so `getJob` agrees with `maxRetainedCompletedJobs` once a completion settled)
   * but not by the round trips that follow. Never rejects.
   */
  completed(count: number): Promise<void> | null;
  /** Leases ended (completions recorded): there may be room to claim again. */
  released(): void;
  /**
   * Cancels of this process still in flight, awaited before freshly leased runs are handed out:
   * a cancel that raced the claim then finds its run not yet started and ends it before execution.
   */
  cancelsInFlight(): Promise<unknown> | null;
  /** A round trip failed; the batcher retries by itself, the dispatcher should claim again later. */
  failed(error: unknown): void;
  /**
   * `false` when retention keeps no finished job: completions delete the jobs they finish
   * (see `ClaimRequest.keepFinishedJobs`). Default `true`.
   */
  readonly keepFinishedJobs?: boolean;
  readonly logger: Logger;
}

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2_000;

/**
 * Owns this worker's leases and batches its round trips: completions, start marks and the next
 * claim travel in ONE statement (sql/statements/complete-and-claim.sql). Completions reported
 * while a round trip is in flight (or in the same tick) go together in the next one, and a claim
 * carries every completion pending then.
 *
 * Fencing: a run is completed only with the lease token (`claims`) it was leased with, by this
 * owner; a completion the database rejects resolves `false`.
 *
 * The five collections, and what holds between them at every await (see
 * {@link LeaseBatcher.invariantViolations}, which the tests call after each step):
 *
 * - `held`        run id → lease token, for every run leased to this worker and not yet finished,
 *                 released or lost. A run leaves it only when the database has answered for it.
 * - `prefetched`  leased runs screened "run" and not yet handed to the dispatcher, in due order;
 *                 a look-ahead claim ({@link LeaseBatcher.prefetchAhead}) leaves runs not yet due
 *                 here, handed out once due.
 * - `completions` outcomes waiting for the next round trip.
 * - `completing`  outcomes sent in the round trip in flight.
 * - `starts`      start marks waiting for the next round trip.
 *
 * 1. `prefetched`, `completions`, `completing` and `starts` hold only runs of `held`, and a
 *    prefetched run carries the token `held` has for it.
 * 2. A run is in at most one of `prefetched`, `completions`, `completing`: it waits to be handed
 *    out, or its outcome waits to be sent, or its outcome is being sent.
 * 3. `starts` holds no run whose outcome is known (`completions`, `completing`): a completion
 *    carries its own start time, and a run never appears in both parts of one statement.
 */
export class LeaseBatcher {
  readonly #held = new Map<string, number>();
  readonly #prefetched = new PrefetchedRuns();
  readonly #completions = new Map<string, PendingCompletion>();
  readonly #starts = new Map<string, PendingStart>();
  readonly #completing = new Set<string>();
  /** The answers of the completions reported and not yet answered, by run id. */
  readonly #answers = new Map<string, Promise<boolean>>();
  /**
   * Held runs whose start the database allowed (a subset of `held`), with the start time it
   * recorded: the claim's instant for a run whose claim allowed it, else `null`.
   */
  readonly #allowed = new Map<string, number | null>();
  /** Claims run one after another, and so do completion-only flushes; the two may overlap. */
  #claimTail: Promise<void> = Promise.resolve();
  /** Claiming round trips queued or in flight. */
  #claimsPending = 0;
  #flushTail: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  #failures = 0;
  #retryTimer: ClockTimer | null = null;
  #closed = false;
  #heartbeating = false;

  /**
   * `db` carries completion-only flushes, releases and heartbeats; `claimDb` the claiming round
   * trips (the store's held claim connection, claim-connection.ts).
   */
  constructor(
    private readonly queue: QueueRepository,
    private readonly db: Queryable,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly hooks: LeaseBatcherHooks,
    private readonly claimDb: Queryable = db,
  ) {}

  /** How many runs this worker leases now. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** Whether this worker leases `runId` (handed out or prefetched). */
  holds(runId: string): boolean {
    return this.#held.has(runId);
  }

  /** Resolves when the claims in flight have been answered (their rows are held or prefetched). */
  claimsAnswered(): Promise<void> {
    return this.#claimTail;
  }

  /**
   * The invariants of the class comment that do not hold right now, as sentences (empty when all
   * hold). For tests; cheap enough to call after every step.
   */
  invariantViolations(): string[] {
    return leaseInvariantViolations({
      held: this.#held,
      prefetched: this.#prefetched.rows,
      completions: this.#completions,
      completing: this.#completing,
      starts: this.#starts,
    });
  }

  /** Whether `runId` is leased but not yet handed to the dispatcher. */
  isPrefetched(runId: string): boolean {
    return this.#prefetched.has(runId);
  }

  /** Whether a claiming round trip is queued or in flight (its rows may land in the prefetch). */
  get claiming(): boolean {
    return this.#claimsPending > 0;
  }

  /** Earliest due time among prefetched runs (due or, after a look-ahead claim, not yet), or `null`. */
  earliestPrefetched(): number | null {
    return this.#prefetched.earliestDueMs();
  }

  /**
   * Leases up to `limit` runs due by `nowMs`, from the prefetch first. `starts`: what the caller
   * does at once with them (in due order); the claim allows the start of those it leases fresh, so
   * their {@link markStarted} answers without a round trip, and records the start of those that
   * start at once.
   */
  async claim(nowMs: number, limit: number, starts?: ClaimStarts): Promise<ClaimedRunRow[]> {
    const taken = this.#prefetched.takeDue(limit, nowMs);
    if (taken.length === limit || this.#closed) return taken;
    try {
      await this.#enqueueRoundTrip(limit - taken.length, nowMs, startsAfter(starts, taken.length));
    } catch (error) {
      this.hooks.failed(error);
    }
    const cancels = this.hooks.cancelsInFlight();
    if (cancels !== null) await cancels;
    taken.push(
      ...this.#prefetched.takeDue(limit - taken.length, Math.max(nowMs, this.hooks.now())),
    );
    return taken;
  }

  /**
   * Hands out up to `limit` prefetched runs due by `nowMs`, without a round trip, once this
   * process's cancels in flight have been answered (as {@link claim} does for fresh rows).
   */
  async takeDue(nowMs: number, limit: number): Promise<ClaimedRunRow[]> {
    const first = this.#prefetched.earliestDueMs();
    if (first === null || first > nowMs || limit <= 0) return [];
    // Taken after the cancels in flight: a cancel of a prefetched run ends it there, unstarted.
    const cancels = this.hooks.cancelsInFlight();
    if (cancels !== null) await cancels;
    return this.#prefetched.takeDue(limit, nowMs);
  }

  /**
   * A look-ahead claim: leases up to `limit` runs due by `horizonMs` (later than now) into the
   * prefetch, so each is handed out when due without a round trip then. The claim allows their
   * start (as a claim allows runs that start at once, see complete-and-claim.sql, Cancels) but
   * records none as started. Resolves with how many runs it leased; rejects when the round trip
   * failed (retried as any failed round trip).
   */
  async prefetchAhead(horizonMs: number, limit: number): Promise<number> {
    if (this.#closed || limit <= 0) return 0;
    return this.#enqueueRoundTrip(limit, horizonMs, { atOnce: 0, ahead: limit });
  }

  /** Records how a leased run ended; resolves `false` when the lease was lost. */
  complete(completion: Omit<RunCompletionRow, "claims">): Promise<boolean> {
    const claims = this.#held.get(completion.runId);
    if (
      claims === undefined ||
      this.#completions.has(completion.runId) ||
      this.#completing.has(completion.runId)
    ) {
      return Promise.resolve(false);
    }
    this.#settleStart(completion.runId);
    const answer = new Promise<boolean>((resolve) => {
      this.#completions.set(completion.runId, { row: { ...completion, claims }, resolve });
      this.#scheduleFlush();
    });
    this.#answers.set(completion.runId, answer);
    void answer.finally(() => {
      if (this.#answers.get(completion.runId) === answer) this.#answers.delete(completion.runId);
    });
    return answer;
  }

  /**
   * The answer of the completion of `runId` reported and not yet answered, or `null`. A cancel of a
   * run whose body already ended here waits for it, so the run reads as ended (cancelled) once the
   * cancel answered.
   */
  completionAnswer(runId: string): Promise<boolean> | null {
    return this.#answers.get(runId) ?? null;
  }

  /** Ends a prefetched run that the dispatcher never saw (cancelled while waiting in the prefetch). */
  completePrefetched(
    runId: string,
    completion: Omit<RunCompletionRow, "runId" | "claims">,
  ): Promise<boolean> {
    if (!this.#prefetched.remove(runId)) return Promise.resolve(false);
    return this.complete({ ...completion, runId });
  }

  /** Gives a leased run that never started back to the queue (another worker may take it). */
  async release(runId: string): Promise<boolean> {
    const claims = this.#held.get(runId);
    if (claims === undefined || this.#completions.has(runId) || this.#completing.has(runId))
      return false;
    this.#drop(runId);
    this.#settleStart(runId);
    return (await this.queue.releaseRuns(this.db, this.owner, [{ runId, claims }])) === 1;
  }

  /**
   * Asks whether the body of a leased run may start, with the next round trip (the start marks of
   * many runs travel in one statement). Resolves `true` once the database allowed it, `false` when
   * it refused — the run's cancel was recorded first (the batcher then ends the run cancelled
   * before execution) or the lease no longer holds — or when a completion superseded the question.
   */
  allowStart(runId: string, atMs: number): Promise<boolean> {
    if (!this.#held.has(runId) || this.#completions.has(runId) || this.#completing.has(runId))
      return Promise.resolve(false);
    if (this.#allowed.has(runId)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const pending = this.#pendingStart(runId);
      pending.allowedAtMs ??= atMs;
      pending.answers.push(resolve);
      this.#scheduleFlush();
    });
  }

  /**
   * The body is starting: answers whether it may. A run already allowed answers `true` at once and
   * its start time rides along with the next round trip (a completion reported first carries it
   * instead); any other run is asked for as {@link allowStart} does, its start time with it.
   */
  markStarted(runId: string, startedAtMs: number): Promise<boolean> | boolean {
    if (!this.#held.has(runId) || this.#completions.has(runId) || this.#completing.has(runId))
      return false;
    if (this.#allowed.has(runId)) {
      if (this.#allowed.get(runId) === startedAtMs) return true;
      this.#pendingStart(runId).startedAtMs = startedAtMs;
      this.#scheduleFlush();
      return true;
    }
    const answer = this.allowStart(runId, startedAtMs);
    this.#starts.get(runId)!.startedAtMs = startedAtMs;
    return answer;
  }

  #pendingStart(runId: string): PendingStart {
    let pending = this.#starts.get(runId);
    if (pending === undefined) {
      pending = { allowedAtMs: null, startedAtMs: null, answers: [] };
      this.#starts.set(runId, pending);
    }
    return pending;
  }

  /** Forgets a run this worker no longer holds (completed, released, lost). */
  #drop(runId: string): void {
    this.#held.delete(runId);
    this.#allowed.delete(runId);
  }

  /** A pending start mark is moot (completion, lost lease, release, close): its body must not start. */
  #settleStart(runId: string): void {
    const pending = this.#starts.get(runId);
    if (pending === undefined) return;
    this.#starts.delete(runId);
    for (const answer of pending.answers) answer(false);
  }

  /**
   * The heartbeat: extends every lease held and not being completed. A lease the database no
   * longer grants is forgotten and reported `lost` (another worker may run it now); a run whose
   * cancel was requested is reported too, in case its NOTIFY was missed.
   */
  async extendLeases(report: {
    lost(runId: string): void;
    cancelRequested(runId: string): void;
  }): Promise<void> {
    if (this.#heartbeating) return;
    const sent: { runId: string; claims: number }[] = [];
    for (const [runId, claims] of this.#held) {
      if (!this.#completions.has(runId) && !this.#completing.has(runId))
        sent.push({ runId, claims });
    }
    if (sent.length === 0) return;
    this.#heartbeating = true;
    try {
      const granted = await this.queue.heartbeat(this.db, this.owner, sent, this.leaseMs);
      for (const lease of sent) {
        const state = granted.get(lease.runId);
        if (state === undefined) {
          if (this.#forget(lease.runId, lease.claims)) report.lost(lease.runId);
        } else if (state.cancelRequested) {
          report.cancelRequested(lease.runId);
        }
      }
    } finally {
      this.#heartbeating = false;
    }
  }

  /** Forgets a lost lease, unless the run was completed (or is being) meanwhile. */
  #forget(runId: string, claims: number): boolean {
    if (
      this.#held.get(runId) !== claims ||
      this.#completions.has(runId) ||
      this.#completing.has(runId)
    )
      return false;
    this.#drop(runId);
    this.#settleStart(runId);
    this.#prefetched.remove(runId);
    return true;
  }

  /**
   * Sends what is pending, gives prefetched runs back to the queue and stops. Completions that
   * cannot be written resolve `false`; their leases expire and another worker runs them again.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#retryTimer?.cancel();
    this.#retryTimer = null;
    await Promise.all([this.#claimTail, this.#flushTail]);
    try {
      await this.#enqueueRoundTrip(0, this.hooks.now());
    } catch (error) {
      this.hooks.logger.warn(
        "postgresStore: could not record the last completions at shutdown; their leases will expire",
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
      for (const pending of this.#completions.values()) pending.resolve?.(false);
      this.#completions.clear();
    }
    for (const runId of [...this.#starts.keys()]) this.#settleStart(runId);
    const unstarted = this.#prefetched
      .takeAll()
      .map((row) => ({ runId: row.runId, claims: row.claims }));
    for (const run of unstarted) this.#drop(run.runId);
    await this.queue.releaseRuns(this.db, this.owner, unstarted).catch((error: unknown) => {
      this.hooks.logger.warn(
        "postgresStore: could not release prefetched runs at shutdown; their leases will expire",
        {
          error: error instanceof Error ? error.message : String(error),
        },
      );
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#retryTimer !== null) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#enqueueRoundTrip(0, this.hooks.now()).catch((error: unknown) =>
        this.hooks.failed(error),
      );
    });
  }

  /**
   * Each round trip takes whatever is pending when it starts. A claim does not queue behind a
   * completion-only flush (that would add a round trip to the latency of due work).
   */
  #enqueueRoundTrip(claimLimit: number, nowMs: number, starts?: ClaimStarts): Promise<number> {
    const claiming = claimLimit > 0;
    if (claiming) this.#claimsPending += 1;
    const next = (claiming ? this.#claimTail : this.#flushTail)
      .then(() => this.#roundTrip(claimLimit, nowMs, starts))
      .finally(() => {
        if (claiming) this.#claimsPending -= 1;
      });
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    if (claiming) this.#claimTail = settled;
    else this.#flushTail = settled;
    return next;
  }

  async #roundTrip(
    claimLimit: number,
    requestedNowMs: number,
    claimStarts: ClaimStarts | undefined,
  ): Promise<number> {
    const completions = [...this.#completions.values()];
    this.#completions.clear();
    const startsTaken = [...this.#starts];
    this.#starts.clear();
    const starts: RunStartRow[] = startsTaken.map(([runId, pending]) => ({
      runId,
      claims: this.#held.get(runId)!,
      allowedAtMs: pending.allowedAtMs,
      startedAtMs: pending.startedAtMs,
    }));
    const limit = this.#closed ? 0 : claimLimit;
    if (completions.length === 0 && starts.length === 0 && limit === 0) return 0;
    for (const pending of completions) this.#completing.add(pending.row.runId);
    const nowMs = Math.max(requestedNowMs, this.hooks.now());
    let result: CompleteAndClaimResult;
    try {
      result = await this.queue.completeAndClaim(
        limit > 0 ? this.claimDb : this.db,
        completions.map((pending) => pending.row),
        starts,
        {
          owner: this.owner,
          nowMs,
          limit,
          leaseMs: this.leaseMs,
          keepFinishedJobs: this.hooks.keepFinishedJobs ?? true,
          ...(claimStarts === undefined ? {} : { starts: claimStarts }),
        },
      );
    } catch (error) {
      if (!isConnectionError(error)) {
        // PostgreSQL refused the statement: the same batch would be refused again, forever.
        await this.#separateRefused(completions, startsTaken, nowMs);
        throw error;
      }
      // Nothing was committed: keep everything for the next attempt.
      for (const pending of completions) {
        this.#completing.delete(pending.row.runId);
        this.#completions.set(pending.row.runId, pending);
      }
      for (const [runId, pending] of startsTaken) {
        if (this.#completions.has(runId) || !this.#held.has(runId))
          for (const answer of pending.answers) answer(false);
        else this.#starts.set(runId, pending);
      }
      this.#retryLater();
      throw error;
    }
    this.#failures = 0;
    let startsRefused = false;
    for (const [runId, pending] of startsTaken) {
      const allowed = !result.startsRefused.has(runId);
      if (pending.allowedAtMs === null) continue; // a start time only: its answer changes nothing
      if (allowed && this.#held.has(runId)) this.#allowed.set(runId, null);
      if (
        !allowed &&
        this.#held.has(runId) &&
        !this.#completions.has(runId) &&
        !this.#completing.has(runId)
      ) {
        // Its cancel was recorded before the start (or the lease is gone, and the fenced completion
        // is refused): the body never starts, and the run ends cancelled before execution here.
        this.#completions.set(runId, {
          row: {
            runId,
            claims: this.#held.get(runId)!,
            status: "cancelled",
            message: OutcomeMessage.cancelledBeforeExecution,
            startedAtMs: null,
            completedAtMs: this.hooks.now(),
          },
          resolve: null,
        });
        startsRefused = true;
      }
      for (const answer of pending.answers) answer(allowed);
    }
    for (const pending of completions) {
      this.#completing.delete(pending.row.runId);
      this.#drop(pending.row.runId);
    }
    const answer = (): void => {
      for (const pending of completions) pending.resolve?.(result.completed.has(pending.row.runId));
    };
    // Retention is awaited by the completions' callers only, never by the next claim: a delete
    // pass serialised before every claim cost as much as the claim itself.
    const retention = completions.length > 0 ? this.hooks.completed(completions.length) : null;
    if (retention === null) answer();
    else void retention.then(answer, answer);
    let screenedOut = false;
    let startingAtOnce = claimStarts?.atOnce ?? 0;
    for (const row of result.claimed) {
      this.#held.set(row.runId, row.claims);
      const verdict = this.hooks.screen(row);
      if (verdict === "run") {
        // The first `atOnce` allowed runs were recorded as started at `nowMs` by the claim.
        if (result.startsAllowed.has(row.runId))
          this.#allowed.set(row.runId, startingAtOnce-- > 0 ? nowMs : null);
        // After runs a look-ahead claim left here that are due later, if any: kept in due order.
        this.#prefetched.add(row);
      } else {
        this.#completions.set(row.runId, {
          row: { ...verdict, runId: row.runId, claims: row.claims },
          resolve: null,
        });
        screenedOut = true;
      }
    }
    this.hooks.nextDue(result.nextDueTimeMs, nowMs);
    if (screenedOut || startsRefused) this.#scheduleFlush();
    if (completions.length > 0) this.hooks.released();
    return result.claimed.length;
  }

  /**
   * After a refused round trip: start questions are asked again with the next round trip, and the
   * completions are recorded one by one (see {@link separateRefusedOutcomes}), so one outcome the
   * database cannot store neither holds back the others nor keeps its run leased forever.
   */
  async #separateRefused(
    completions: readonly PendingCompletion[],
    startsTaken: readonly [string, PendingStart][],
    nowMs: number,
  ): Promise<void> {
    // A start question carries only ids and instants, so it is not what PostgreSQL refused: ask it
    // again (unless a completion superseded it meanwhile). Answering "no" instead would leave the
    // run leased with no outcome; asking at once would spin if the database kept refusing, so the
    // retry backs off like any failed round trip.
    for (const [runId, pending] of startsTaken) {
      if (this.#completions.has(runId) || !this.#held.has(runId))
        for (const answer of pending.answers) answer(false);
      else this.#starts.set(runId, pending);
    }
    if (startsTaken.length > 0) this.#retryLater();
    if (completions.length === 0) return;
    const { recorded, retry } = await recordRefusedBatch(
      { queue: this.queue, db: this.db, owner: this.owner, leaseMs: this.leaseMs },
      {
        held: this.#held,
        completions: this.#completions,
        completing: this.#completing,
        logger: this.hooks.logger,
      },
      completions,
      nowMs,
    );
    if (retry) this.#retryLater();
    if (recorded > 0) {
      void this.hooks.completed(recorded);
      this.hooks.released();
    }
  }

  #retryLater(): void {
    if (this.#retryTimer !== null || this.#closed) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#failures);
    this.#failures += 1;
    this.#retryTimer = this.hooks.setTimer(this.hooks.now() + delay, () => {
      this.#retryTimer = null;
      if (this.#completions.size > 0 || this.#starts.size > 0) {
        this.#enqueueRoundTrip(0, this.hooks.now()).catch((error: unknown) =>
          this.hooks.failed(error),
        );
      }
    });
  }
}
