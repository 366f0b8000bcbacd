-- list-paused-jobs: the paused job names (the workers' cache of them, snapshot().jobs[].paused).
--
-- Parameters: none.
--
-- Returns a row per paused job name: job_name.
SELECT job_name FROM :"schema".paused_jobs ORDER BY job_name;
