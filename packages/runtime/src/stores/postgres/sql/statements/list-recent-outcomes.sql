-- list-recent-outcomes: the latest finished run of each job name, newest first, for snapshots.
--
-- Parameters: none.
--
-- Returns a row per job name with a finished run: run_id, job_id, job_name, due_ms, started_ms,
-- completed_ms, status, message, owner (times in epoch ms).
--
-- Invariants:
--   - A run is finished exactly when completed_at is set (runs_outcomes indexes those).
SELECT * FROM (
  SELECT DISTINCT ON (job_name)
         run_id::text AS run_id, job_id::text AS job_id, job_name, (extract(epoch from due_time) * 1000)::float8 AS due_ms,
         (extract(epoch from started_at) * 1000)::float8 AS started_ms,
         (extract(epoch from completed_at) * 1000)::float8 AS completed_ms, status, message, owner
  FROM :"schema".runs
  WHERE completed_at IS NOT NULL
  ORDER BY job_name, completed_at DESC
) latest
ORDER BY completed_ms DESC;
