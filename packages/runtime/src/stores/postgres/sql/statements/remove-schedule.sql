-- remove-schedule: deletes a schedule defined at run time and its head (job and run), if the head is still
-- queued. Its running occurrences finish; their attempt to plan a next slot finds no schedule.
--
-- Parameters:
--   $1 text  schedule key
--
-- Returns one row: removed boolean (false when there was no such schedule).
WITH removed AS (
  DELETE FROM :"schema".schedules WHERE schedule_key = $1::text
  RETURNING head_job_id
), head_run AS (
  DELETE FROM :"schema".runs r USING removed
  WHERE r.job_id = removed.head_job_id AND r.status IN (:'status_queued', :'status_held')
  RETURNING r.job_id
), head AS (
  DELETE FROM :"schema".jobs j USING head_run h WHERE j.job_id = h.job_id
)
SELECT count(*) > 0 AS removed FROM removed;
