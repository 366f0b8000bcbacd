-- queued-run-counts: how many runs are queued or waiting for a retry, per job name, for the
-- telemetry gauge scheduler.job.queued (read at most once per metric collection).
--
-- Parameters: none.
--
-- Returns a row per job name with queued runs: job_name text, queued integer.
--
-- Invariants:
--   - Reads only queued rows (the partial index runs_queued_due covers them): its cost grows with
--     the backlog, not with the history the table keeps.
SELECT job_name, count(*)::integer AS queued
FROM :"schema".runs
WHERE status = :'status_queued'
GROUP BY job_name;
