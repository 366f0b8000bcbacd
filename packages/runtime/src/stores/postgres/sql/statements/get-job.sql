-- get-job: one runtime job with the status of its current run.
--
-- Parameters:
--   $1 uuid  the job id
--
-- Returns no row for an unknown job, else one row: job_id, current_run_id, job_name, run_status
-- (the current run's status), attempt, max_attempts, next_attempt_ms (the current run's due time
-- while it waits: queued or held), correlation_id, last_error, payload (jsonb, as stored; get-job
-- only), created_ms, completed_ms (times in epoch ms), key (the key it was enqueued with, or its
-- schedule's). list-jobs and its variants return the same columns but the payload.
--
-- Invariants:
--   - A job's status is its current run's: a queued (or held) current run of attempt 2 or more
--     reads as waiting-retry, a held one as queued, anything else as the run's status (done by
--     the caller).
SELECT j.job_id::text AS job_id, j.current_run_id::text AS current_run_id, j.job_name, r.status AS run_status,
       j.attempt, j.max_attempts,
       CASE WHEN r.status IN (:'status_queued', :'status_held') THEN (extract(epoch from r.due_time) * 1000)::float8 END AS next_attempt_ms,
       j.correlation_id, j.last_error, j.payload, (extract(epoch from j.created_at) * 1000)::float8 AS created_ms,
       (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms, j.key
FROM :"schema".jobs j JOIN :"schema".runs r ON r.run_id = j.current_run_id
WHERE j.job_id = $1::uuid;
