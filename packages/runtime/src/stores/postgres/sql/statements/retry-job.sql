-- retry-job: gives a failed or cancelled runtime job a new run (retryJob): attempt 1 again, due at
-- the given time, and wakes the workers. The job keeps its id, payload, creation time, policy,
-- max_attempts and last_error.
--
-- Parameters:
--   $1 uuid    the job id
--   $2 uuid    the new run's id
--   $3 float8  the new run's due time, epoch ms
--   $4 text    the schema's NOTIFY channel (<schema>_wake)
--
-- Returns no row when the job is unknown or not failed/cancelled (nothing changed), else one row
-- with get-job's columns for the job's new state.
--
-- Invariants:
--   - The job row is locked while it is judged: of two retries of one job, the second finds it
--     pending and changes nothing.
--   - The new run is held (not queued) when its job name is paused; the paused row is share-locked
--     so a concurrent resume, which deletes it first, requeues this run after it commits.
--   - A keyed job's new run holds the key again if it is free (ON CONFLICT DO NOTHING on
--     runs_held_key, race-free against producers of the same key), else it waits without it.
WITH ended AS (
  SELECT j.job_id, j.job_name, CASE WHEN j.occurrence IS NULL THEN j.key END AS key FROM :"schema".jobs j
  WHERE j.job_id = $1::uuid AND j.outcome IN (:'status_failed', :'status_cancelled')
  FOR UPDATE
), keyed_run AS (
  -- A keyed job takes its key back when no pending job holds it...
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status, held_key)
  SELECT $2::uuid, e.job_id, e.job_name, 1, to_timestamp($3::float8 / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = e.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END,
         e.key
  FROM ended e WHERE e.key IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING status
), new_run AS (
  -- ...and runs without it otherwise (as a deferred retry does).
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT $2::uuid, e.job_id, e.job_name, 1, to_timestamp($3::float8 / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = e.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END
  FROM ended e WHERE NOT EXISTS (SELECT FROM keyed_run)
  RETURNING status
), moved AS (
  UPDATE :"schema".jobs j
  SET current_run_id = $2::uuid, attempt = 1, next_attempt_due_time = NULL, completed_at = NULL, outcome = NULL
  FROM ended e WHERE j.job_id = e.job_id
  RETURNING j.*
)
SELECT m.job_id::text AS job_id, m.current_run_id::text AS current_run_id, m.job_name, n.status AS run_status,
       m.attempt, m.max_attempts, $3::float8 AS next_attempt_ms, m.correlation_id, m.last_error,
       (extract(epoch from m.created_at) * 1000)::float8 AS created_ms, NULL::float8 AS completed_ms, m.key,
       pg_notify($4::text, :'notice_new_work' || $3::float8::bigint::text) IS NULL AS notified
FROM moved m CROSS JOIN (SELECT status FROM keyed_run UNION ALL SELECT status FROM new_run) n;
