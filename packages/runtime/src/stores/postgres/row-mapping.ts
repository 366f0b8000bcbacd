import type { ResiliencePolicy } from "../../authoring/resilience-policy.js";
import type { ClaimedRun } from "../job-store.js";
import type { JobState } from "../../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import type { ClaimedRunRow, JobRow, RunRow, TerminalRunStatus } from "./queue-rows.js";

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toClaimedRun(row: ClaimedRunRow): ClaimedRun {
  return {
    jobId: row.jobId,
    runId: row.runId,
    jobName: row.jobName,
    payload: row.payload ?? undefined,
    dueTimeMs: row.dueTimeMs,
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    correlationId: row.correlationId,
    resilience:
      typeof row.resilience === "object" && row.resilience !== null
        ? (row.resilience as ResiliencePolicy)
        : null,
    resilienceMode: row.resilienceMode,
    occurrence: row.occurrence,
    traceContext: row.traceContext,
  };
}

export function toJobState(row: JobRow): JobState {
  return {
    jobId: row.jobId,
    currentRunId: row.currentRunId,
    jobName: row.jobName,
    status: row.status,
    attempt: row.attempt,
    maxAttempts: row.maxAttempts,
    nextAttemptDueTime: dateOrNull(row.nextAttemptDueTimeMs),
    correlationId: row.correlationId,
    key: row.key,
    lastError: row.lastError,
    ...(row.payload === undefined ? {} : { payload: row.payload }),
    createdAt: new Date(row.createdAtMs),
    completedAt: dateOrNull(row.completedAtMs),
  };
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.runId,
    jobId: row.jobId,
    jobName: row.jobName,
    dueTime: new Date(row.dueTimeMs),
    startedAt: dateOrNull(row.startedAtMs),
    isRuntimeScheduled: true,
    status: row.status === "queued" ? "queued" : "running",
  };
}

export function toOutcomeInfo(row: RunRow): OutcomeInfo {
  return {
    runId: row.runId,
    jobId: row.jobId,
    jobName: row.jobName,
    dueTime: new Date(row.dueTimeMs),
    startedAt: dateOrNull(row.startedAtMs),
    completedAt: new Date(row.completedAtMs ?? row.dueTimeMs),
    isRuntimeScheduled: true,
    status: row.status as TerminalRunStatus,
    message: row.message,
  };
}
