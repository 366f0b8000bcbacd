-- next-due-times-by-job: when the earliest queued run of each job name is due, for snapshots.
--
-- Parameters: none.
--
-- Returns a row per job name with queued runs: job_name text, due_ms float8 (epoch ms).
SELECT job_name, (extract(epoch from min(due_time)) * 1000)::float8 AS due_ms
FROM :"schema".runs
WHERE status = :'status_queued'
GROUP BY job_name;
