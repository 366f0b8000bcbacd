import type { ResiliencePolicy } from "../../authoring/resilience-policy.js";
import type { OnDuplicate, ScheduleOccurrence } from "../store-records.js";

/** How a deferred-retry job's attempts are run. Stored with the job, so any worker can retry it. */
export type StoredResilienceMode = "inline" | "deferred-retry";

/** A runtime job and its first run, as `schedule`/`enqueue` write them. */
export interface NewJobRow {
  readonly jobId: string;
  readonly runId: string;
  readonly jobName: string;
  /** JSON-safe payload; `undefined` is stored as SQL null. */
  readonly payload: unknown;
  readonly dueTimeMs: number;
  readonly maxAttempts: number;
  readonly correlationId: string | null;
  readonly resilience: ResiliencePolicy | string | null;
  readonly resilienceMode: StoredResilienceMode;
  readonly createdAtMs: number;
  /** W3C traceparent of the span that scheduled the job (telemetry); absent or `null` without one. */
  readonly traceContext?: string | null;
  /** The enqueue-once key (absent or null: none). */
  readonly key?: string | null;
  /** With `key`: what to do when a pending job holds it (absent: keep). */
  readonly onDuplicate?: OnDuplicate;
  /** Set for an occurrence of a run-time schedule. */
  readonly occurrence?: ScheduleOccurrence | null;
}

/** A pending job that holds the key of a job insert-jobs was asked to insert (so it was not). */
export interface KeyHolderRow {
  /** Index of the job in the inserted batch (0-based). */
  readonly index: number;
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly dueTimeMs: number;
  /** `null` when the holder's row was committed after the statement began: read it again. */
  readonly maxAttempts: number | null;
  /** A replace whose payload the statement could not write (same reason): write it again. */
  readonly payloadMissed: boolean;
}

/** A run leased to this worker. `claims` is the fencing token of this lease. */
export interface ClaimedRunRow {
  readonly runId: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly dueTimeMs: number;
  readonly claims: number;
  readonly payload: unknown;
  readonly correlationId: string | null;
  readonly resilience: ResiliencePolicy | string | null;
  readonly resilienceMode: StoredResilienceMode;
  readonly createdAtMs: number;
  readonly cancelRequested: boolean;
  readonly occurrence: ScheduleOccurrence | null;
  readonly traceContext: string | null;
}

export type TerminalRunStatus = "succeeded" | "failed" | "cancelled" | "skipped";

/**
 * The end of a leased run. With `retry`, the run failed and the job continues as a new run
 * (same job id, attempt + 1) due at `retry.dueTimeMs`.
 */
export interface RunCompletionRow {
  readonly runId: string;
  readonly claims: number;
  readonly status: TerminalRunStatus;
  readonly message: string | null;
  readonly startedAtMs: number | null;
  readonly completedAtMs: number;
  readonly retry?: { readonly runId: string; readonly dueTimeMs: number } | undefined;
}

/** A leased run's start asked (applied unless its cancel was recorded first) or its body's start time. */
export interface RunStartRow {
  readonly runId: string;
  readonly claims: number;
  /** Asks whether the body may start (refused once a cancel is recorded); `null`: not asked here. */
  readonly allowedAtMs: number | null;
  /** When the body started; `null`: not started yet (or not known here). */
  readonly startedAtMs: number | null;
}

/** What one complete-and-claim round trip did. */
export interface CompleteAndClaimResult {
  /** Run ids whose completion was accepted; a completion missing here lost its lease (fenced). */
  readonly completed: ReadonlySet<string>;
  /** Run ids whose start mark was refused: a cancel was recorded first, or the lease was lost. */
  readonly startsRefused: ReadonlySet<string>;
  readonly claimed: readonly ClaimedRunRow[];
  /** Run ids of `claimed` whose start the claim itself allowed (`ClaimRequest.startsNow`). */
  readonly startsAllowed: ReadonlySet<string>;
  /** Earliest due time of a queued run after `now`, to arm the local timer; `null` when none. */
  readonly nextDueTimeMs: number | null;
}

/** What a cancel request found and did. */
export type CancelRow =
  | {
      readonly outcome: "cancelled-before-start";
      readonly runId: string;
      readonly jobId: string;
      readonly jobName: string;
      readonly traceContext: string | null;
      readonly scheduleKey: string | null;
    }
  | {
      readonly outcome: "abort-active";
      readonly runId: string;
      readonly jobId: string;
      readonly owner: string | null;
      readonly jobName: string;
      readonly traceContext: string | null;
      readonly scheduleKey: string | null;
    }
  | { readonly outcome: "not-found" };

export type StoredJobStatus = "queued" | "running" | "waiting-retry" | TerminalRunStatus;

/** A runtime job as `getJob` reports it (status derived from its current run). */
export interface JobRow {
  readonly jobId: string;
  readonly currentRunId: string;
  readonly jobName: string;
  readonly status: StoredJobStatus;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly nextAttemptDueTimeMs: number | null;
  readonly correlationId: string | null;
  readonly key: string | null;
  readonly lastError: string | null;
  /** The stored payload (jsonb); absent when the statement does not read it. */
  readonly payload?: unknown;
  readonly createdAtMs: number;
  readonly completedAtMs: number | null;
}

/** A queued, running or finished run, for snapshots. */
export interface RunRow {
  readonly runId: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly dueTimeMs: number;
  readonly startedAtMs: number | null;
  readonly completedAtMs: number | null;
  readonly status: "queued" | "running" | TerminalRunStatus;
  readonly message: string | null;
  readonly owner: string | null;
}
