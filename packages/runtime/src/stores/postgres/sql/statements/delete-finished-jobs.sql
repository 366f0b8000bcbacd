-- delete-finished-jobs: retention. Deletes one batch of finished jobs beyond the kept count or
-- older than the kept age; their runs go with them (ON DELETE CASCADE).
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
WITH doomed AS (
  (SELECT job_id FROM :"schema".jobs WHERE completed_at IS NOT NULL ORDER BY completed_at DESC OFFSET $1::integer LIMIT $3::integer)
  UNION
  (SELECT job_id FROM :"schema".jobs WHERE completed_at < to_timestamp($2::float8 / 1000) LIMIT $3::integer)
)
DELETE FROM :"schema".jobs j USING doomed d WHERE j.job_id = d.job_id;
