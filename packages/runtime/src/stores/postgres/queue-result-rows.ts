import { HELD_RUN_STATUS, type RUN_STATUSES } from "../../state/vocabulary.js";
import type { ClaimedRunRow, JobRow, RunRow, StoredJobStatus } from "./queue-rows.js";

// The rows the queue repository's statements answer, as PostgreSQL returns them, and their
// mapping to the store's rows (queue-rows.ts).

/**
 * A job row of get-job.sql (and list-jobs.sql, retry-job.sql) as the store reports it: a held run
 * reads as queued, a queued run of attempt 2 or more as waiting-retry.
 */
export function toJobRow(row: JobResultRow): JobRow {
  const runStatus = row.run_status;
  const waiting = runStatus === "queued" || runStatus === HELD_RUN_STATUS;
  const status: StoredJobStatus =
    runStatus === "queued" || runStatus === HELD_RUN_STATUS
      ? row.attempt > 1
        ? "waiting-retry"
        : "queued"
      : runStatus;
  return {
    jobId: row.job_id,
    currentRunId: row.current_run_id,
    jobName: row.job_name,
    status,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    nextAttemptDueTimeMs: waiting ? row.next_attempt_ms : null,
    correlationId: row.correlation_id,
    key: row.key,
    lastError: row.last_error,
    ...(row.payload === undefined ? {} : { payload: row.payload }),
    createdAtMs: row.created_ms,
    completedAtMs: waiting || runStatus === "running" ? null : row.completed_ms,
  };
}

export interface CountResultRow {
  queued: number;
  running: number;
  waiting_retry: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  skipped: number;
}

/** A row of complete-and-claim.sql: the batch's facts, and a leased run unless none was. */
export type CompleteAndClaimResultRow = BatchFacts &
  (ClaimedResultRow | { [K in keyof ClaimedResultRow]: null });

interface BatchFacts {
  refused: string[];
  starts_refused: string[];
  retries_notified: boolean | null;
  next_due_ms: number | null;
}

/** The leased run of a complete-and-claim.sql row. */
interface ClaimedResultRow {
  run_id: string;
  job_id: string;
  job_name: string;
  attempt: number;
  max_attempts: number;
  due_ms: number;
  claims: number;
  payload: unknown;
  correlation_id: string | null;
  resilience: ClaimedRunRow["resilience"];
  resilience_mode: ClaimedRunRow["resilienceMode"];
  created_ms: number;
  cancel_requested: boolean;
  occurrence: ClaimedRunRow["occurrence"];
  trace_context: string | null;
  start_allowed: boolean;
}

export function toClaimedRun(row: ClaimedResultRow): ClaimedRunRow {
  return {
    runId: row.run_id,
    jobId: row.job_id,
    jobName: row.job_name,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    dueTimeMs: row.due_ms,
    claims: row.claims,
    payload: row.payload,
    correlationId: row.correlation_id,
    resilience: row.resilience,
    resilienceMode: row.resilience_mode,
    createdAtMs: row.created_ms,
    cancelRequested: row.cancel_requested,
    occurrence: row.occurrence,
    traceContext: row.trace_context,
  };
}

export interface JobResultRow {
  job_id: string;
  current_run_id: string;
  job_name: string;
  run_status: (typeof RUN_STATUSES)[number];
  attempt: number;
  max_attempts: number;
  next_attempt_ms: number | null;
  correlation_id: string | null;
  last_error: string | null;
  payload: unknown;
  created_ms: number;
  completed_ms: number | null;
  key: string | null;
}

export interface RunResultRow {
  run_id: string;
  job_id: string;
  job_name: string;
  due_ms: number;
  started_ms: number | null;
  completed_ms: number | null;
  status: RunRow["status"];
  message: string | null;
  owner: string | null;
}

export function toRun(row: RunResultRow): RunRow {
  return {
    runId: row.run_id,
    jobId: row.job_id,
    jobName: row.job_name,
    dueTimeMs: row.due_ms,
    startedAtMs: row.started_ms,
    completedAtMs: row.completed_ms,
    status: row.status,
    message: row.message,
    owner: row.owner,
  };
}
