-- get-job: one runtime job with the status of its current run.
--
-- Parameters:
--   $1 uuid  the job id
--
-- Returns no row for an unknown job, else one row: job_id, current_run_id, job_name, run_status
-- (the current run's status), attempt, max_attempts, next_attempt_ms, correlation_id, last_error,
-- created_ms, completed_ms (times in epoch ms), key (the key it was enqueued with, or its schedule's).
--
-- Invariants:
--   - A job has no status of its own: a queued current run of attempt 2 or more reads as
--     waiting-retry, anything else as the run's status (done by the caller).
--   - next_attempt_ms is the due time of the current run while it is queued (a first attempt, or a
--     waiting retry), else null: JobState.nextAttemptDueTime, as the memory store reports it.
SELECT j.job_id::text AS job_id, j.current_run_id::text AS current_run_id, j.job_name, r.status AS run_status,
       j.attempt, j.max_attempts,
       (extract(epoch from CASE WHEN r.status = :'status_queued' THEN r.due_time END) * 1000)::float8 AS next_attempt_ms,
       j.correlation_id, j.last_error, (extract(epoch from j.created_at) * 1000)::float8 AS created_ms,
       (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms, j.key
FROM :"schema".jobs j JOIN :"schema".runs r ON r.run_id = j.current_run_id
WHERE j.job_id = $1::uuid;
