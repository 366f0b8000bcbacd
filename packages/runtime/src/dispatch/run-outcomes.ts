import type { ObservedRun } from "../state/instrumentation.js";
import type { OutcomeInfo } from "../state/run-info.js";
import type { RunTicket } from "../stores/job-store.js";
import type { Occurrence } from "./recurring-occurrences.js";
import type { Run } from "./run.js";

/**
 * The ticket of a runtime run: the run itself. Invariant: a runtime run always carries the claimed
 * object it was made from (`Run.forClaimed`); only recurring runs have `claimed === null`.
 */
export function ticketOf(run: Run): RunTicket {
  return run as RunTicket;
}

/** A recurring slot that ended without a run, as telemetry sees it. */
export function observedOccurrence(occurrence: Occurrence): ObservedRun {
  return {
    jobName: occurrence.job.name,
    jobId: occurrence.jobId,
    runId: occurrence.runId,
    attempt: 1,
    maxAttempts: 1,
    correlationId: null,
    dueTimeMs: occurrence.dueTimeMs,
    startedAtMs: null,
    isRuntimeScheduled: false,
    traceContext: null,
    observation: null,
  };
}

/** The outcome `onRunOutcome` and the snapshot report for `run`. */
export function outcomeOf(
  run: Run,
  status: OutcomeInfo["status"],
  message: string | null,
  completedAtMs: number,
): OutcomeInfo {
  return {
    runId: run.runId,
    jobId: run.jobId,
    jobName: run.jobName,
    dueTime: new Date(run.dueTimeMs),
    startedAt: run.startedAtMs === null ? null : new Date(run.startedAtMs),
    completedAt: new Date(completedAtMs),
    isRuntimeScheduled: run.isRuntimeScheduled,
    status,
    message,
  };
}
