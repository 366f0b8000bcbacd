import type { MaybePromise } from "../core/maybe-promise.js";
import type { JobCounts } from "../state/job-query.js";
import type { JobState } from "../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../state/run-info.js";
import type { ClusterGateAwait, ClusterGateRequest, ClusterGateTicket } from "./cluster-gates.js";
import type { StoreHost } from "./store-host.js";
import type { ScheduleAdvance, ScheduleWrite, StoredSchedule } from "./schedule-records.js";
import type {
  CancelResult,
  ClaimedRun,
  InsertOptions,
  KeyHolder,
  JobListing,
  JobRetryRequest,
  NewRuntimeJob,
  RetryRequest,
  RunCompletion,
  RunTicket,
} from "./store-records.js";

export type { MaybePromise } from "../core/maybe-promise.js";
export type { StoreHost } from "./store-host.js";
export type {
  ClusterGateAwait,
  ClusterGateRequest,
  ClusterGateTicket,
  ClusterGateWait,
} from "./cluster-gates.js";
export type { ScheduleAdvance, ScheduleWrite, StoredSchedule } from "./schedule-records.js";
export type {
  CancelResult,
  ClaimedRun,
  InsertOptions,
  JobListing,
  JobRetryRequest,
  KeyHolder,
  NewRuntimeJob,
  OnDuplicate,
  ResilienceMode,
  ScheduleOccurrence,
  RetryRequest,
  RunCompletion,
  RunTicket,
} from "./store-records.js";

/**
 * THE STORE INTERFACE: where runtime jobs and their runs live. The dispatcher, gates and
 * schedule/retry policies never depend on a concrete store; `memoryStore()` (default) and
 * `postgresStore()` implement this, and one contract suite runs against both.
 *
 * Division of labour:
 * - runtime jobs (`schedule`/`enqueue`) live in the store, from insert to a terminal state, including
 *   pending deferred retries;
 * - recurring occurrences are computed in-process from descriptors; the store only arbitrates which
 *   process runs a `(job, due time)` slot ({@link claimOccurrence}) and does not keep their state;
 * - overlap/group/global-slot gates, inline retries and timeouts run in the dispatcher.
 *
 * One write path: a claimed run is started, completed, retried or released through its
 * {@link RunTicket}, never by a run-id lookup.
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

  /**
   * Inserts a runtime job with its first run (status `queued`). Durable stores also wake other workers.
   *
   * Keys: a job with a `key` (and no `occurrence`) first looks for the pending (queued or
   * waiting-retry) job of the same name that holds the key. If there is one, nothing is inserted
   * and that job is returned — unchanged for `onDuplicate: "keep"`, with the new payload and due
   * time for `"replace"`; otherwise the job is inserted, holds the key, and `undefined` is returned.
   * Race-free across processes. A job holds its key while pending: its claim frees it; a deferred
   * retry or a run given back to the queue takes it again if it is still free, and otherwise stays
   * pending without it (docs/semantics.md, Keys).
   */
  insertJob(job: NewRuntimeJob, options?: InsertOptions): MaybePromise<KeyHolder | undefined>;

  /**
   * Inserts several jobs, all or nothing (PostgreSQL: one statement), keys honoured per job as in
   * {@link insertJob}; the answer holds, per job and in order, its key holder or `null`. The caller
   * gives each `(jobName, key)` pair at most once.
   */
  insertJobs(
    jobs: readonly NewRuntimeJob[],
    options?: InsertOptions,
  ): MaybePromise<readonly (KeyHolder | null)[]>;

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
   * The body of a claimed run is about to start (sets `RunInfo.startedAt`). Answers whether it may:
   * `false` when the run is no longer this attempt's to start — its cancel was recorded meanwhile
   * (the store has then ended it `cancelled` / `"cancelled before execution"`) or its claim was
   * lost. The dispatcher starts the body only after `true`, so a cancel that answered `true` is
   * never followed by a start.
   */
  markStarted(ticket: RunTicket, startedAtMs: number): MaybePromise<boolean>;

  /**
   * Optional: asks ahead whether a claimed run's body may start, for a store whose answer takes a
   * round trip (a durable store shared by processes). The dispatcher asks it for the runs next in
   * line for a global slot, so the answer is there when the slot frees and {@link markStarted}
   * then answers at once. Same answer as `markStarted` (`false`: its cancel was recorded first, and
   * the store ended it cancelled before execution; or the claim was lost), but records no start: a
   * run allowed ahead and cancelled while it waits ends without its body.
   */
  allowStart?(ticket: RunTicket, atMs: number): MaybePromise<boolean>;

  /**
   * Ends a claimed run and its job (terminal status). Returns `false` (and changes nothing) when the
   * ticket no longer holds: the attempt moved on, or the run is no longer claimed by this process
   * (e.g. its lease expired and another worker took it over).
   */
  completeRun(ticket: RunTicket, completion: RunCompletion): MaybePromise<boolean>;

  /**
   * Ends the claimed run as failed and inserts the next attempt of the same job (`waiting-retry`,
   * due at `retry.dueTimeMs`). Fenced by the ticket like {@link completeRun}.
   */
  scheduleRetry(ticket: RunTicket, retry: RetryRequest): MaybePromise<boolean>;

  /**
   * A claimed run whose body never started, at shutdown: a durable store gives it back to the
   * queue for other workers; a volatile store records it `cancelled` / `"scheduler shutdown"`.
   */
  releaseRun(ticket: RunTicket): MaybePromise<void>;

  /**
   * A started run whose body did not stop by `stop()`'s deadline: this process leaves it behind.
   * A volatile store records it `cancelled` / `"scheduler shutdown"`; a durable store writes
   * nothing and stops extending its lease, so it expires and another worker runs the job again.
   */
  abandonRun(ticket: RunTicket): MaybePromise<void>;

  /** Cancels the job's current run (queued, waiting-retry or active). See {@link CancelResult}. */
  cancelJob(jobId: string, atMs: number): MaybePromise<CancelResult>;

  /** Cancels a run if it is the current run of its job. See {@link CancelResult}. */
  cancelRun(runId: string, atMs: number): MaybePromise<CancelResult>;

  /** A runtime job's state, or `null` when unknown or dropped by retention. */
  getJob(jobId: string): MaybePromise<JobState | null>;

  /** Queued and waiting-retry runs (status `"queued"`), by due time; the earliest `SNAPSHOT_LIST_LIMIT`. */
  listQueuedRuns(): MaybePromise<readonly RunInfo[]>;

  /** Claimed runs (status `"running"`, also while waiting for a slot), by start; at most `SNAPSHOT_LIST_LIMIT`. */
  listActiveRuns(): MaybePromise<readonly RunInfo[]>;

  /** Latest terminal outcome of runtime runs per job name, newest first. */
  listRecentOutcomes(): MaybePromise<readonly OutcomeInfo[]>;

  /** Earliest due time of queued/waiting-retry runs per job name (for `snapshot().jobs[].nextDueTime`). */
  nextDueTimes(): MaybePromise<ReadonlyMap<string, number>>;

  /**
   * Optional: how many runs are queued or waiting for a retry, per job name (names with none may be
   * left out), from one cheap read. Telemetry's `scheduler.job.queued` gauge asks it at most once
   * per metric collection, only between `open()` and `close()`; a store without it has no gauge.
   */
  queuedRunCounts?(): MaybePromise<ReadonlyMap<string, number>>;

  /**
   * Arbitrates a recurring occurrence: `true` when this process should run the `(jobName,
   * slotKey)` slot, `false` when another process already claimed it. Memory: always `true`.
   * `slotKey` is the recurrence's `clusterSlotKey` (epoch ms): the due time for cron, the
   * epoch-aligned window for interval schedules, whose grids start with each process.
   * Not called for `placement: "every-node"`. A thrown error skips the occurrence
   * (`"claimed-elsewhere"`, fail-closed).
   */
  claimOccurrence(jobName: string, slotKey: number): MaybePromise<boolean>;

  /**
   * Optional, for stores shared by several processes: takes a slot of a cluster-wide gate before
   * a gated run's body starts (overlap `"skip"`, `maxConcurrentRuns`), `null` when every slot is
   * held elsewhere (the run is then skipped). The dispatcher asks only after the run passed this
   * process's own gates, and only for gated runs of `placement: "cluster"` jobs; plain runtime jobs
   * never ask. A store without it (memory: one process) leaves the gates per process. A held slot
   * must free itself if its process dies (PostgreSQL: a lease the heartbeat extends).
   */
  acquireGate?(request: ClusterGateRequest): MaybePromise<ClusterGateTicket | null>;

  /** Frees a slot taken with {@link acquireGate} or {@link awaitGate}, once its run has ended. */
  releaseGate?(ticket: ClusterGateTicket): MaybePromise<void>;

  /**
   * Optional, with {@link acquireGate}: for a run that waits rather than skips (a `group`,
   * overlap `"queue"`, a deferred retry or catch-up slot): resolves once the run holds a slot of
   * the gate — first asked, first served across the cluster — or with `"coalesced"` (a recurring
   * slot under `"queue"` while another already waits) or `null` (withdrawn, or the store closed).
   * It must neither lose the run's place nor busy-poll: PostgreSQL asks again when told a slot
   * freed (NOTIFY) and on a bounded fallback timer. A slot freed by this process (`releaseGate`
   * settles after) or a place it gave up (`withdrawGateWait`) lets its own waiters ask at once.
   */
  awaitGate?(request: ClusterGateRequest): ClusterGateAwait;

  /**
   * The run of {@link awaitGate} stops waiting (cancelled, shut down): its wait resolves `null` at
   * once; the answer settles when the store has forgotten its place (never rejects).
   */
  withdrawGateWait?(gate: string, runId: string): Promise<void> | undefined;

  // ---- schedules defined at run time (see StoredSchedule for the chain) ------------------------

  /** A schedule by key, or `null`. */
  getSchedule(scheduleKey: string): MaybePromise<StoredSchedule | null>;

  /** Every schedule, by key. */
  listSchedules(): MaybePromise<readonly StoredSchedule[]>;

  /**
   * Creates or replaces a schedule atomically: fails (`false`, nothing changed) when the stored
   * revision is not `expectedRevision`, or `replacedHeadJobId` is no longer pending; otherwise
   * deletes that head, inserts the new one and stores the schedule.
   */
  writeSchedule(write: ScheduleWrite): MaybePromise<boolean>;

  /** Deletes a schedule and its pending head; `false` when there was none. Running occurrences go on. */
  removeSchedule(scheduleKey: string): MaybePromise<boolean>;

  /**
   * Moves a schedule's chain past its head: when the schedule still has `revision` and its head is
   * `fromJobId`, inserts the next head and the catch-up occurrences and answers `true`; otherwise
   * changes nothing and answers `false` (another process advanced it, or an upsert replaced it).
   */
  advanceSchedule(advance: ScheduleAdvance): MaybePromise<boolean>;

  /**
   * Schedules whose chain is stuck: their head ended (cancelled, or its advance was lost with a
   * crash or a failed write) or is gone, so no process will plan their next slot. `scheduleKey`:
   * only that schedule.
   */
  schedulesToRepair(scheduleKey?: string): MaybePromise<readonly StoredSchedule[]>;

  // ---- operations (docs/semantics.md#operating-jobs) -------------------------------------------

  /**
   * Runtime jobs matching every filter of `query`, in `listJobs` order (newest first by creation,
   * then by job id, see `JobPosition`), at most `query.limit`. A durable store serves every filter
   * from an index, never a scan of the whole history.
   */
  listJobs(query: JobListing): MaybePromise<readonly JobState[]>;

  /** How many runtime jobs the store holds in each status (every status present), of one job name or all. */
  countJobs(jobName: string | null): MaybePromise<JobCounts>;

  /**
   * Gives a `failed` or `cancelled` job a new run: `retry.newRunId`, attempt 1 of the same
   * `maxAttempts` and policy, `queued` at `retry.dueTimeMs`; the job keeps its id, creation time,
   * payload and `lastError`. Returns the job's new state, or `null` (nothing changed) when the job is
   * unknown or in another status. A durable store also wakes other workers.
   */
  retryJob(jobId: string, retry: JobRetryRequest): MaybePromise<JobState | null>;

  /**
   * Pauses or resumes a job name (a durable store: for every process sharing it, and across
   * restarts). While a name is paused the store hands out none of its runs: `claimDueRuns` skips them
   * and `nextDueTime` ignores them; they stay queued (or waiting-retry) until it resumes.
   */
  setJobPaused(jobName: string, paused: boolean): MaybePromise<void>;

  /**
   * Whether a job name is paused as this process knows it now (a durable store answers from a cache
   * that notices and polls refresh). Synchronous: the dispatcher asks at every run start and recurring slot.
   */
  isJobPaused(jobName: string): boolean;

  /** The paused job names, read fresh (for `snapshot().jobs[].paused`). */
  pausedJobNames(): MaybePromise<ReadonlySet<string>>;

  /**
   * A claimed run whose body never started goes back to the queue unchanged (same run id, attempt
   * and due time): its job name was paused after the claim. Fenced by the ticket like
   * {@link completeRun}; `false` when the ticket no longer holds.
   */
  returnRun(ticket: RunTicket): MaybePromise<boolean>;
}
