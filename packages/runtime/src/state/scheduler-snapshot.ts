import type { AbandonedRunInfo, OutcomeInfo, RunInfo } from "./run-info.js";

/**
 * A store lists at most this many queued runs and this many active runs for a snapshot (earliest
 * first), so a snapshot of a million-job queue stays cheap.
 */
export const SNAPSHOT_LIST_LIMIT = 10_000;

/** One registered job as `snapshot()` reports it. */
export interface JobSnapshot {
  name: string;
  scheduleKind: "fixed-rate" | "fixed-delay" | "cron" | "once" | null;
  supportsRuntimeScheduling: boolean;
  group: string | null;
  overlap: string;
  misfire: string;
  maxConcurrentRuns: number;
  /** Earliest of the next recurring occurrence, queued runtime runs and pending retries. */
  nextDueTime: Date | null;
  /** `pauseJob(name)` is in effect: nothing of this job name starts, anywhere. */
  paused: boolean;
}

/**
 * A point-in-time view of the scheduler. Keeps answering after `stop()`, from the last known state.
 *
 * @example
 * ```ts
 * const { activeRuns, recentOutcomes } = await scheduler.snapshot();
 * ```
 */
export interface SchedulerSnapshot {
  capturedAt: Date;
  jobs: JobSnapshot[];
  /** Status `"queued"`, by due time (the earliest {@link SNAPSHOT_LIST_LIMIT} of the store's, plus recurring slots). */
  queuedRuns: RunInfo[];
  /** Status `"running"` (also while waiting for a slot), by start (at most {@link SNAPSHOT_LIST_LIMIT} of the store's). */
  activeRuns: RunInfo[];
  /** Latest terminal outcome per job name, newest first. */
  recentOutcomes: OutcomeInfo[];
  /**
   * Bodies of this process that ignored their abort signal past a per-attempt timeout or the stop
   * deadline and have not settled yet, oldest first (docs/semantics.md, "Stop, drain and deadlines").
   */
  abandonedRuns: AbandonedRunInfo[];
}
