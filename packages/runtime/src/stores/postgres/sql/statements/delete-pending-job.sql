-- delete-pending-job: deletes a job whose run is still queued (a schedule's head an upsert
-- replaces, or the head of a removed schedule), so it never runs and leaves no history.
--
-- Parameters:
--   $1 uuid  the job id
--
-- Returns one row (job_id) when the job was deleted, none when its run is no longer queued or held
-- (a worker claimed it meanwhile) or the job is gone.
--
-- Invariants:
--   - A claim in flight and this delete serialise on the run row: the claim (FOR UPDATE SKIP LOCKED)
--     skips a row this statement locked, and this statement re-checks status = queued on a row a
--     claim updated, so a running job is never deleted.
WITH run AS (
  DELETE FROM :"schema".runs WHERE job_id = $1::uuid AND status IN (:'status_queued', :'status_held')
  RETURNING job_id
)
DELETE FROM :"schema".jobs j USING run WHERE j.job_id = run.job_id
RETURNING j.job_id::text AS job_id;
