import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { ScheduleRule } from "../policy/schedule-rule.js";
import type { JobPosition } from "../state/job-cursor.js";
import type { JobStatus } from "../state/job-state.js";

/** How a runtime job retries: inside one run, or as new runs of the same job. */
export type ResilienceMode = "inline" | "deferred-retry";

/**
 * What makes a runtime job an occurrence of a schedule defined at run time (`upsertSchedule`):
 * which schedule, which revision of it, and its rule. The job carries it, so whichever process
 * claims the occurrence plans the next slot without a lookup.
 */
export interface ScheduleOccurrence {
  readonly scheduleKey: string;
  /** The revision of the schedule the occurrence was planned from (a new one per effective upsert). */
  readonly revision: string;
  readonly rule: ScheduleRule;
  /** A replayed missed slot (`misfire: "catch-up"`), not the chain's head: it plans nothing. */
  readonly catchUp: boolean;
}

/**
 * What an insert with a key does when a pending job of the same name holds that key: `"keep"` that
 * job as it is, or `"replace"` its payload and due time (same job id).
 */
export type OnDuplicate = "keep" | "replace";

/** A runtime job and its first run, as `schedule`/`enqueue` insert it (status `queued`, attempt 1). */
export interface NewRuntimeJob {
  readonly jobId: string;
  /** Id of the first run (attempt 1). */
  readonly runId: string;
  readonly jobName: string;
  /** Already validated with the descriptor's `validatePayload` and encoded to its stored form; JSON-safe. */
  readonly payload: unknown;
  readonly dueTimeMs: number;
  /** Whole milliseconds (the `listJobs` order and its cursors compare it exactly). */
  readonly createdAtMs: number;
  readonly correlationId: string | null;
  /** `maxRetryAttempts + 1` in deferred mode, otherwise 1. */
  readonly maxAttempts: number;
  /** Resolved policy (never a name), or `null` for a single attempt. */
  readonly resilience: ResiliencePolicy | null;
  readonly resilienceMode: ResilienceMode;
  /**
   * The W3C `traceparent` of the span that scheduled the job (telemetry), `null` without one. A
   * store keeps it with the job and hands it back on every claim of the job's runs
   * ({@link ClaimedRun.traceContext}), so each run's span is its child, in any process.
   */
  readonly traceContext?: string | null;
  /**
   * The enqueue-once key, or `null`. At most one pending (queued or waiting-retry) job per
   * `(jobName, key)` holds it; see `JobStore.insertJob`. An occurrence carries its schedule's key
   * here (for `JobState.key` and `listJobs`) but never holds it: its schedule arbitrates instead.
   */
  readonly key: string | null;
  /** With `key`: what to do when a pending job holds it. */
  readonly onDuplicate: OnDuplicate;
  /** Set when the job is an occurrence of a schedule defined at run time (`upsertSchedule`). */
  readonly occurrence: ScheduleOccurrence | null;
}

/**
 * The pending job that holds a key, as `JobStore.insertJob` reports it when a keyed insert met it:
 * unchanged (`"keep"`), or with the new payload and due time (`"replace"`).
 */
export interface KeyHolder {
  readonly jobId: string;
  /** Its current (pending) run. */
  readonly runId: string;
  readonly dueTimeMs: number;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** Options of `JobStore.insertJob`. */
export interface InsertOptions {
  /** The caller's transaction (PostgreSQL: a `pg` client inside `BEGIN`); stores without transactions ignore it. */
  readonly client?: unknown;
}

/**
 * What the dispatcher will do at once with the runs a claim hands it, earliest due first (see
 * `JobStore.claimDueRuns`): the first `atOnce` take a free global slot and start, the next `ahead`
 * are asked about ahead (`JobStore.allowStart`) while they wait for one.
 */
export interface ClaimStarts {
  readonly atOnce: number;
  readonly ahead: number;
}

/**
 * A run the store handed to this process by `JobStore.claimDueRuns`. From then on the store
 * reports it as `"running"` (waiting for a slot until `JobStore.markStarted`); a durable store
 * holds a lease on it for this process.
 */
export interface ClaimedRun {
  readonly jobId: string;
  readonly runId: string;
  readonly jobName: string;
  /** The stored form (see `JobDescriptor.payloadCodec`). */
  readonly payload: unknown;
  readonly dueTimeMs: number;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly correlationId: string | null;
  readonly resilience: ResiliencePolicy | null;
  readonly resilienceMode: ResilienceMode;
  /** Set when the run is an occurrence of a schedule defined at run time. */
  readonly occurrence: ScheduleOccurrence | null;
  /** The job's {@link NewRuntimeJob.traceContext}, for every attempt; absent or `null` without one. */
  readonly traceContext?: string | null;
}

/**
 * The fenced ticket to one claimed attempt: the object `JobStore.claimDueRuns` returned and the
 * attempt it was claimed for. Every write about a claimed run — start, completion, retry, release —
 * goes through it: a store reaches the run without a lookup, and refuses the write when the
 * attempt has moved on or the run is no longer claimed by this process (a store may reuse one
 * object across attempts, so the object alone is not a fence).
 *
 * The dispatcher's own run object is the ticket, so a run costs no extra allocation.
 */
export interface RunTicket {
  readonly claimed: ClaimedRun;
  readonly attempt: number;
}

/** How a claimed run ended. */
export interface RunCompletion {
  readonly status: "succeeded" | "failed" | "cancelled" | "skipped";
  /** The outcome message (docs/semantics.md); the error message for `failed`; `null` for `succeeded`. */
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
 *   `StoreHost.abortRun`). The owner records the outcome through `JobStore.completeRun`.
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
  /**
   * Optional: set when the cancelled job is an occurrence of a run-time schedule, so the
   * dispatcher continues that schedule's chain at once (a cancelled slot skips that slot only).
   */
  readonly scheduleKey?: string | null;
  /** Optional, for `"cancelled-before-start"`: the job's name, so telemetry can report the cancelled run. */
  readonly jobName?: string | null;
  /** Optional, for `"cancelled-before-start"`: the job's {@link NewRuntimeJob.traceContext}. */
  readonly traceContext?: string | null;
}

/**
 * Which runtime jobs `JobStore.listJobs` returns: those matching every given filter (`null`: no
 * filter), in `listJobs` order (newest first by creation, then by job id; see `JobPosition`).
 */
export interface JobListing {
  /** Any of these statuses; `null` for every status. */
  readonly statuses: readonly JobStatus[] | null;
  readonly jobName: string | null;
  readonly correlationId: string | null;
  /** The enqueue-once key (`JobState.key`: a run-time schedule's occurrences carry its key). */
  readonly key: string | null;
  /** Only jobs listed after this position (the previous page's last job); `null` from the newest. */
  readonly after: JobPosition | null;
  /** At most this many jobs. */
  readonly limit: number;
}

/** `retryJob`: the terminal job's new run (attempt 1, queued). */
export interface JobRetryRequest {
  readonly newRunId: string;
  readonly dueTimeMs: number;
}
