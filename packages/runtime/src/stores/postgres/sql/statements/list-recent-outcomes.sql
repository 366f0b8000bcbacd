-- list-recent-outcomes: the latest finished run of each job name, newest first, for snapshots.
--
-- Parameters: none.
--
-- Returns a row per job name with a finished run: run_id, job_id, job_name, due_ms, started_ms,
-- completed_ms, status, message, owner (times in epoch ms).
--
-- Invariants:
--   - A run is finished exactly when completed_at is set (runs_outcomes indexes those).
--   - Bounded by the number of job names, not the history: the job names are found by skipping
--     through runs_outcomes (one index probe per name, a loose index scan), and each name's latest
--     run is the first entry of its range.
WITH RECURSIVE names AS (
  (SELECT job_name FROM :"schema".runs WHERE completed_at IS NOT NULL ORDER BY job_name LIMIT 1)
  UNION ALL
  SELECT (SELECT r.job_name FROM :"schema".runs r
          WHERE r.completed_at IS NOT NULL AND r.job_name > n.job_name
          ORDER BY r.job_name LIMIT 1)
  FROM names n
  WHERE n.job_name IS NOT NULL
)
SELECT latest.* FROM names n
CROSS JOIN LATERAL (
  SELECT r.run_id::text AS run_id, r.job_id::text AS job_id, r.job_name, (extract(epoch from r.due_time) * 1000)::float8 AS due_ms,
         (extract(epoch from r.started_at) * 1000)::float8 AS started_ms,
         (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms, r.status, r.message, r.owner
  FROM :"schema".runs r
  WHERE r.job_name = n.job_name AND r.completed_at IS NOT NULL
  ORDER BY r.completed_at DESC
  LIMIT 1
) latest
WHERE n.job_name IS NOT NULL
ORDER BY latest.completed_ms DESC;
