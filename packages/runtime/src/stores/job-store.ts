import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { JobDescriptor } from "../registry/job-descriptor.js";
import type { Logger } from "../scheduler/logger.js";
import type { JobState } from "../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../state/run-info.js";

/**
 * A value a store may return synchronously (the memory store, to stay fast) or as a promise (a
 * database store). The dispatcher awaits only when it gets a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/** How a runtime job retries: inside one run, or as new runs of the same job. */
export type ResilienceMode = "inline" | "deferred-retry";

/**
 * What the scheduler gives a store at {@link JobStore.open}, so the store can push work and
 * cancels into the dispatcher (e.g. from PostgreSQL `LISTEN/NOTIFY`).
 */
export interface StoreHost {
  /** The scheduler's clock, epoch ms. Stores must use it (not `Date.now()`) for due/claim decisions. */
  now(): number;
  /** New or due work may exist: the dispatcher claims again soon. Cheap; call freely. */
  wake(): void;
  /**
   * Aborts a run active in this process (a cancel issued elsewhere, e.g. another worker). The run
   * ends `cancelled` with message `"cancelled"`. Unknown run ids are ignored.
   */
  abortRun(runId: string, reason: string): void;
  /** The registered descriptor of a job name, or `undefined` (stores fail such rows). */
  findDescriptor(jobName: string): JobDescriptor | undefined;
  /** `maxRetainedCompletedJobs` of the scheduler: terminal jobs beyond it are dropped, oldest first. */
  readonly maxRetainedCompletedJobs: number;
  readonly logger: Logger;
}

/** A runtime job and its first run, as `schedule`/`enqueue` insert it (status `queued`, attempt 1). */
export interface NewRuntimeJob {
  readonly jobId: string;
  /** Id of the first run (attempt 1). */
  readonly runId: string;
  readonly jobName: string;
  /** Already validated with the descriptor's `validatePayload`; JSON-safe. */
  readonly payload: unknown;
  readonly dueTimeMs: number;
  readonly createdAtMs: number;
  readonly correlationId: string | null;
  /** `maxRetryAttempts + 1` in deferred mode, otherwise 1. */
  readonly maxAttempts: number;
  /** Resolved policy (never a name), or `null` for a single attempt. */
  readonly resilience: ResiliencePolicy | null;
  readonly resilienceMode: ResilienceMode;
}

/** Options of {@link JobStore.insertJob}. */
export interface InsertOptions {
  /** The caller's transaction (PostgreSQL: a `pg` client inside `BEGIN`); stores without transactions ignore it. */
  readonly client?: unknown;
}

/**
 * A run the store handed to this process by {@link JobStore.claimDueRuns}. From then on the store
 * reports it as `"running"` (waiting for a slot until {@link JobStore.markStarted}); a durable
 * store holds a lease on it for this process.
 */
export interface ClaimedRun {
  readonly jobId: string;
  readonly runId: string;
  readonly jobName: string;
  readonly payload: unknown;
  readonly dueTimeMs: number;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly correlationId: string | null;
  readonly resilience: ResiliencePolicy | null;
  readonly resilienceMode: ResilienceMode;
}

/** How a claimed run ended. */
export interface RunCompletion {
  readonly status: "succeeded" | "failed" | "cancelled" | "skipped";
  /** An outcome message (docs/semantics.md#outcome-messages); the error message for `failed`; `null` for `succeeded`. */
  readonly message: string | null;
  readonly completedAtMs: number;
  /** When the body started; `null` when it never started (cancelled or skipped while waiting). */
  readonly startedAtMs: number | null;
}

/** A deferred retry: the failed run ends, a new run of the same job waits (`waiting-retry`). */
export interface RetryRequest {
  readonly newRunId: string;
  /** The new run's attempt (failed attempt + 1). */
  readonly attempt: number;
  readonly dueTimeMs: number;
  /** The failed attempt's error message (becomes `JobState.lastError`). */
  readonly lastError: string;
  readonly failedAtMs: number;
  readonly startedAtMs: number | null;
}

/**
 * What a cancel did:
 * - `"cancelled-before-start"`: the run was queued (or waiting-retry); the store recorded it
 *   `cancelled` / `"cancelled before execution"`; it will never be claimed.
 * - `"abort-active"`: the run is claimed (running or waiting for a slot). When `ownedHere` the
 *   dispatcher aborts it; otherwise the store has told the owning process (which calls
 *   {@link StoreHost.abortRun}). The owner records the outcome through {@link JobStore.completeRun}.
 * - `"not-found"`: unknown, terminal, or (cancelRun) a run id of an earlier attempt.
 */
export interface CancelResult {
  readonly outcome: "cancelled-before-start" | "abort-active" | "not-found";
  /** The run the cancel applied to, `null` for `"not-found"`. */
  readonly runId: string | null;
  /** Whether the active run is claimed by this process (always `true` in memory). */
  readonly ownedHere: boolean;
  /** Optional: the job of `runId`, which lets the dispatcher find its run without a search. */
  readonly jobId?: string | null;
}

/**
 * THE STORE INTERFACE: where runtime jobs and their runs live. The dispatcher, gates and
 * schedule/retry policies never depend on a concrete store; `memoryStore()` (default) and
 * `postgresStore()` implement this.
 *
 * Division of labour:
 * - runtime jobs (`schedule`/`enqueue`) live in the store, from insert to a terminal state, including
 *   pending deferred retries;
 * - recurring occurrences are computed in-process from descriptors; the store only arbitrates which
 *   process runs a `(job, due time)` slot ({@link claimOccurrence}) and does not keep their state;
 * - overlap/group/global-slot gates, inline retries and timeouts run in the dispatcher.
 *
 * Every method may return synchronously ({@link MaybePromise}). Methods are only called between
 * `open()` and `close()`, except the read methods (`getJob`, `list*`, `nextDueTimes`), which must keep
 * answering after `close()` from the last known state.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ registry: jobRegistry, services, store: memoryStore() });
 * ```
 */
export interface JobStore {
  /** Short name for messages, e.g. `"memory"`, `"postgres"`. */
  readonly name: string;

  /** Called by `scheduler.start()`: connect, migrate, start listening. */
  open(host: StoreHost): MaybePromise<void>;

  /**
   * Called by `scheduler.stop()` after this process's runs have ended. A volatile store records its
   * still-queued runs `cancelled` / `"scheduler shutdown"` (they are lost); a durable store leaves
   * them for other workers, releases its leases and stops listening.
   */
  close(): MaybePromise<void>;

  /** Inserts a runtime job with its first run (status `queued`). Durable stores also wake other workers. */
  insertJob(job: NewRuntimeJob, options?: InsertOptions): MaybePromise<void>;

  /**
   * Claims up to `limit` runs due at or before `nowMs` (queued or waiting-retry), earliest due time
   * first, and marks them `running` for this process (a durable store leases them). May return
   * fewer than `limit`; an empty array means nothing is due.
   */
  claimDueRuns(nowMs: number, limit: number): MaybePromise<readonly ClaimedRun[]>;

  /**
   * The earliest due time (epoch ms) of any queued or waiting-retry run, or `null`. The dispatcher
   * arms its timer with it; a durable store may answer from a local cache and call
   * {@link StoreHost.wake} when it learns of earlier work.
   */
  nextDueTime(): MaybePromise<number | null>;

  /**
   * The body of a claimed run started now (sets `RunInfo.startedAt`). Best effort for durable stores.
   * `claimed` is the object {@link claimDueRuns} returned for this run; a store may use it to skip a
   * lookup (it must still fence by `runId`).
   */
  markStarted(runId: string, startedAtMs: number, claimed?: ClaimedRun): MaybePromise<void>;

  /**
   * Ends a claimed run and its job (terminal status). Fenced by `runId`: returns `false` (and
   * changes nothing) when the run is no longer claimed by this process, e.g. its lease expired
   * and another worker took it over. `claimed`: as in {@link markStarted}.
   */
  completeRun(runId: string, completion: RunCompletion, claimed?: ClaimedRun): MaybePromise<boolean>;

  /**
   * Optional fast path of {@link markStarted} for a store that can find the run from the claimed
   * object alone: the dispatcher then never builds the run id string. Fenced like
   * {@link completeClaimedRun}.
   */
  markClaimedStarted?(claimed: ClaimedRun, attempt: number, startedAtMs: number): MaybePromise<void>;

  /**
   * Optional fast path of {@link completeRun}: `claimed` is the object {@link claimDueRuns} returned
   * and `attempt` the attempt it was claimed for (the fence: a store that reuses one object across
   * attempts must return `false` when the object has moved on to another attempt or is no longer
   * claimed). A store implements both this and {@link markClaimedStarted} or neither.
   */
  completeClaimedRun?(claimed: ClaimedRun, attempt: number, completion: RunCompletion): MaybePromise<boolean>;

  /**
   * Ends the claimed run as failed and inserts the next attempt of the same job (`waiting-retry`,
   * due at `retry.dueTimeMs`). Fenced by `runId` like {@link completeRun}.
   */
  scheduleRetry(runId: string, retry: RetryRequest): MaybePromise<boolean>;

  /** Cancels the job's current run (queued, waiting-retry or active). See {@link CancelResult}. */
  cancelJob(jobId: string, atMs: number): MaybePromise<CancelResult>;

  /** Cancels a run if it is the current run of its job. See {@link CancelResult}. */
  cancelRun(runId: string, atMs: number): MaybePromise<CancelResult>;

  /** A runtime job's state, or `null` when unknown or dropped by retention. */
  getJob(jobId: string): MaybePromise<JobState | null>;

  /** Queued and waiting-retry runs (status `"queued"`), by due time. */
  listQueuedRuns(): MaybePromise<readonly RunInfo[]>;

  /** Claimed runs (status `"running"`, also while waiting for a slot), by start. */
  listActiveRuns(): MaybePromise<readonly RunInfo[]>;

  /** Latest terminal outcome of runtime runs per job name, newest first. */
  listRecentOutcomes(): MaybePromise<readonly OutcomeInfo[]>;

  /** Earliest due time of queued/waiting-retry runs per job name (for `snapshot().jobs[].nextDueTime`). */
  nextDueTimes(): MaybePromise<ReadonlyMap<string, number>>;

  /**
   * Arbitrates a recurring occurrence: `true` when this process should run the `(jobName,
   * slotKey)` slot, `false` when another process already claimed it. Memory: always `true`.
   * `slotKey` is the recurrence's `clusterSlotKey` (epoch ms): the due time for cron, the
   * epoch-aligned window for interval schedules, whose grids start with each process.
   * Not called for `placement: "every-node"`. A thrown error skips the occurrence
   * (`"claimed-elsewhere"`, fail-closed).
   */
  claimOccurrence(jobName: string, slotKey: number): MaybePromise<boolean>;
}
