-- queued-run-counts: how many runs are queued or waiting for a retry, per job name, for the
-- telemetry gauge scheduler.job.queued (read at most once per metric collection).
--
-- Parameters: none.
--
-- Returns a row per job name with queued runs: job_name text, queued integer.
--
-- Invariants:
--   - Reads only queued rows (the partial indexes runs_queued_due and runs_held_due cover them):
--     its cost grows with the backlog, not with the history the table keeps.
--   - A paused job name's held runs are queued too.
SELECT job_name, count(*)::integer AS queued
FROM (
  SELECT job_name FROM :"schema".runs WHERE status = :'status_queued'
  UNION ALL
  SELECT job_name FROM :"schema".runs WHERE status = :'status_held'
) waiting
GROUP BY job_name;
