import type { JOB_STATUSES, TERMINAL_STATUSES } from "./vocabulary.js";

/**
 * Where a runtime job is in its life: `queued → running → (waiting-retry → running)* →
 * succeeded | failed | cancelled | skipped`.
 */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The terminal statuses: a job in one of them never runs again. */
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/**
 * The state of one runtime job (a `schedule`/`enqueue` call), stable across deferred retries.
 *
 * @example
 * ```ts
 * const state = await scheduler.getJob(handle.jobId);
 * if (state?.status === "failed") console.error(state.lastError);
 * ```
 */
export interface JobState {
  jobId: string;
  /** The latest attempt's run id. */
  currentRunId: string;
  jobName: string;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  /** Due time of the pending attempt (queued or waiting-retry), otherwise `null`. */
  nextAttemptDueTime: Date | null;
  correlationId: string | null;
  /** The enqueue-once key it was scheduled with (`ScheduleOptions.key`), or `null`. */
  key: string | null;
  lastError: string | null;
  /**
   * The payload it was scheduled with, in its stored (JSON-safe) form. `getJob` reports it on every
   * built-in store; `listJobs` may leave it out to keep its pages light.
   */
  payload?: unknown;
  createdAt: Date;
  completedAt: Date | null;
}

/** Whether `status` is terminal. */
export function isTerminalStatus(status: JobStatus): status is TerminalStatus {
  return (
    status === "succeeded" || status === "failed" || status === "cancelled" || status === "skipped"
  );
}
