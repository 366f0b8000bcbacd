/**
 * A queued or active run, as listed by `snapshot()`. A run waiting for a concurrency slot is
 * `"running"` with `startedAt: null`.
 */
export interface RunInfo {
  runId: string;
  jobId: string;
  jobName: string;
  dueTime: Date;
  startedAt: Date | null;
  isRuntimeScheduled: boolean;
  status: "queued" | "running";
}

/**
 * The terminal outcome of a run. `message` is one of the outcome messages of docs/semantics.md:
 * skipped `"overlap" | "coalesced" | "max-concurrency" | "misfire" | "disabled" | "claimed-elsewhere"`,
 * cancelled `"cancelled before execution" | "cancelled" | "scheduler shutdown"`, failed: the
 * error's message, succeeded: `null`.
 */
export interface OutcomeInfo {
  runId: string;
  jobId: string;
  jobName: string;
  dueTime: Date;
  startedAt: Date | null;
  completedAt: Date;
  isRuntimeScheduled: boolean;
  status: "succeeded" | "failed" | "cancelled" | "skipped";
  message: string | null;
}
