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

/**
 * A body this process left behind and that has not settled yet (`snapshot().abandonedRuns`): its
 * run has ended — a per-attempt timeout passed (`"timed out"`), or `stop()`'s deadline
 * (`"scheduler shutdown"`) — but the body ignored its abort signal and still runs, holding one of
 * `maxConcurrentExecutions`' slots until it settles. Whatever it does then is ignored.
 */
export interface AbandonedRunInfo {
  runId: string;
  jobId: string;
  jobName: string;
  isRuntimeScheduled: boolean;
  startedAt: Date;
  abandonedAt: Date;
  reason: "timed out" | "scheduler shutdown";
}
