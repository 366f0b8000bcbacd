-- delete-finished-jobs: retention. Deletes one batch of finished jobs beyond the kept count or
-- older than the kept age, with their runs (no foreign key cascades them: migration 10).
--
-- Parameters:
--   $1 integer  keep at most this many finished jobs (the newest)
--   $2 float8   delete finished jobs completed before this, epoch ms
--   $3 integer  batch size: most jobs deleted by either rule in one call
--
-- Returns nothing; the command tag's row count is the jobs deleted (call again while it equals $3).
--
-- Invariants:
--   - A job is finished exactly when jobs.completed_at is set; jobs_completed_at indexes those.
--   - The doomed jobs are locked before anything is deleted, and a job no longer finished when its
--     lock is granted (retry-job.sql gave it a new run meanwhile: FOR UPDATE re-reads the row) is
--     kept, with its runs. A statement that adds a run to a job locks the job first, so once a
--     job is locked here no run of it can appear: none is left without its job.
--   - The doomed jobs are probed by primary key (`= ANY(ARRAY(...))`): as `IN (SELECT ...)` the
--     planner, guessing one doomed row, joined them in a nested loop over every finished job the
--     index returned — 256 × 128 rows per pass in a busy worker's profile, half the pass.
WITH doomed AS (
  (SELECT job_id FROM :"schema".jobs WHERE completed_at IS NOT NULL ORDER BY completed_at DESC OFFSET $1::integer LIMIT $3::integer)
  UNION
  (SELECT job_id FROM :"schema".jobs WHERE completed_at < to_timestamp($2::float8 / 1000) LIMIT $3::integer)
), locked AS (
  SELECT j.job_id FROM :"schema".jobs j
  WHERE j.job_id = ANY(ARRAY(SELECT job_id FROM doomed)) AND j.completed_at IS NOT NULL
  ORDER BY j.job_id
  FOR UPDATE OF j
), runs_of_locked AS (
  DELETE FROM :"schema".runs r USING locked l WHERE r.job_id = l.job_id
)
DELETE FROM :"schema".jobs j USING locked l WHERE j.job_id = l.job_id;
