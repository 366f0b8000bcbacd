--! description: operations: finished jobs' outcomes and the indexes listJobs and countJobs read; paused job names and their held runs
--
-- listJobs and countJobs are served by these indexes, never by a scan of the whole history:
-- - jobs.outcome is a finished job's terminal status, null while the job is pending. It is written
--   with completed_at (the CHECK keeps the two together), where a job already ends, so claiming a
--   run never writes its job.
-- - Pending jobs are listed from jobs_pending (and _by_name), finished ones from jobs_finished (and
--   _by_name, one index range per outcome), pending deferred retries from jobs_retrying, a
--   correlation id's jobs from jobs_by_correlation; running runs are found through their leases
--   (runs_lease_expiry). All in creation order, ties by job id: listJobs' keyset.
-- - A queued run of a paused job name is held: status 'held' keeps it out of runs_queued_due, so no
--   claim hands it out and no claim walks over it; resuming the name queues it again. It reads as
--   queued (or waiting-retry) everywhere else.
-- - paused_jobs holds the paused names (durable: a pause survives restarts).
-- The CHECK on outcome is NOT VALID so the migration never fails on old rows; every write after it
-- is checked.

ALTER TABLE :"schema".jobs ADD COLUMN outcome text
  CHECK (outcome IN (:'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped'));
UPDATE :"schema".jobs j SET outcome = r.status
FROM :"schema".runs r
WHERE j.completed_at IS NOT NULL AND r.run_id = j.current_run_id
  AND r.status IN (:'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped');
ALTER TABLE :"schema".jobs ADD CONSTRAINT jobs_outcome_with_completion CHECK ((outcome IS NULL) = (completed_at IS NULL)) NOT VALID;

CREATE INDEX jobs_pending ON :"schema".jobs (created_at, job_id) WHERE outcome IS NULL;
CREATE INDEX jobs_pending_by_name ON :"schema".jobs (job_name, created_at, job_id) WHERE outcome IS NULL;
CREATE INDEX jobs_retrying ON :"schema".jobs (created_at, job_id) WHERE outcome IS NULL AND attempt > 1;
CREATE INDEX jobs_finished ON :"schema".jobs (outcome, created_at, job_id) WHERE outcome IS NOT NULL;
CREATE INDEX jobs_finished_by_name ON :"schema".jobs (job_name, outcome, created_at, job_id) WHERE outcome IS NOT NULL;
CREATE INDEX jobs_by_correlation ON :"schema".jobs (correlation_id, created_at, job_id) WHERE correlation_id IS NOT NULL;

ALTER TABLE :"schema".runs DROP CONSTRAINT runs_status_check;
ALTER TABLE :"schema".runs ADD CONSTRAINT runs_status_check
  CHECK (status IN (:'status_queued', :'status_held', :'status_running', :'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped'));
CREATE INDEX runs_held_due ON :"schema".runs (due_time) WHERE status = :'status_held';

CREATE TABLE :"schema".paused_jobs (
  job_name text PRIMARY KEY,
  paused_at timestamptz NOT NULL DEFAULT now()
);
