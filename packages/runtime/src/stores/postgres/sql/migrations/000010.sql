--! description: runs.job_id no longer references jobs; the statements that delete jobs delete their runs
--
-- The foreign key cost every inserted run a lookup of its job (the RI trigger: ~21 % of
-- insert-jobs.sql for a batch of 20,000 jobs), while every run is written by a statement that
-- writes or locks its job anyway. Deleting a job now deletes its runs in the same statement
-- (delete-finished-jobs.sql, remove-schedule.sql, write-schedule.sql), with the job row locked
-- first, so a statement adding a run to an existing job (retry-job.sql locks the job FOR UPDATE;
-- a deferred retry belongs to an unfinished job, which nothing deletes) cannot leave a run behind.
-- runs_job stays: it finds a job's runs for those deletes. Whoever deletes jobs by hand must
-- delete their runs too (docs/postgres.md).

ALTER TABLE :"schema".runs DROP CONSTRAINT runs_job_id_fkey;
