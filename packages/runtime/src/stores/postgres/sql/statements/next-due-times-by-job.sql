-- next-due-times-by-job: when the earliest queued run of each job name is due, for snapshots.
--
-- Parameters: none.
--
-- Returns a row per job name with queued runs: job_name text, due_ms float8 (epoch ms).
--
-- Invariants:
--   - A paused job name's held runs are queued too (snapshot().jobs[].nextDueTime counts them).
--   - Reads the queue through runs_queued_due and runs_held_due (one branch each: a single
--     status IN (...) condition matches neither partial index), never the history.
SELECT job_name, (extract(epoch from min(due_time)) * 1000)::float8 AS due_ms
FROM (
  SELECT job_name, due_time FROM :"schema".runs WHERE status = :'status_queued'
  UNION ALL
  SELECT job_name, due_time FROM :"schema".runs WHERE status = :'status_held'
) waiting
GROUP BY job_name;
