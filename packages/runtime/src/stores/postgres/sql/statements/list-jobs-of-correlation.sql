-- list-jobs-of-correlation: one page of the runtime jobs of one correlation id (and, when given, one
-- job name) in the given statuses, newest first (creation time, then job id).
--
-- Parameters:
--   $1 text[]   the statuses asked for (queued, running, waiting-retry and the four terminal ones)
--   $2 float8   the cursor's creation time, epoch ms: only jobs listed after it ('Infinity' from the newest)
--   $3 uuid     the cursor's job id (ffffffff-ffff-ffff-ffff-ffffffffffff from the newest)
--   $4 integer  most rows returned
--   $5 text     the correlation id
--   $6 text     the job name, or null for any
--
-- Returns a row per job, in listJobs order, with get-job's columns.
--
-- Invariants:
--   - Walks jobs_by_correlation in listJobs order from the cursor: a correlation id names a few
--     jobs (an order, a request), and the status and job name are checked on each of them.
--   - A job's status is its current run's (held reads as queued); waiting-retry is a queued run of
--     attempt 2 or more. The current run is probed by primary key (LATERAL ... OFFSET 0).
SELECT j.job_id::text AS job_id, j.current_run_id::text AS current_run_id, j.job_name, r.status AS run_status,
       j.attempt, j.max_attempts,
       CASE WHEN r.status IN (:'status_queued', :'status_held') THEN (extract(epoch from r.due_time) * 1000)::float8 END AS next_attempt_ms,
       j.correlation_id, j.last_error, (extract(epoch from j.created_at) * 1000)::float8 AS created_ms,
       (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms, j.key
FROM :"schema".jobs j
CROSS JOIN LATERAL (SELECT status, due_time, completed_at FROM :"schema".runs WHERE run_id = j.current_run_id OFFSET 0) r
WHERE j.correlation_id = $5::text
  AND ($6::text IS NULL OR j.job_name = $6::text)
  AND (j.created_at, j.job_id) < (to_timestamp($2::float8 / 1000), $3::uuid)
  AND CASE WHEN j.outcome IS NOT NULL THEN j.outcome
           WHEN r.status = :'status_running' THEN :'status_running'
           WHEN j.attempt > 1 THEN :'status_waiting_retry'
           ELSE :'status_queued' END = ANY($1::text[])
ORDER BY j.created_at DESC, j.job_id DESC
LIMIT $4::integer;
