-- replace-job-payload: gives a pending job the payload of a keyed insert that met it with
-- onDuplicate "replace", when insert-jobs could not (the job's row was committed by another
-- transaction after insert-jobs began, so its snapshot did not see it). Runs in the same
-- transaction as that insert-jobs, which holds the run's row lock, so no worker claims the run in
-- between.
--
-- Parameters:
--   $1 uuid    the job id
--   $2 jsonb   the new payload (stored form)
--   $3 float8  the run's due time after the replace, epoch ms (a waiting retry's next attempt)
--
-- Returns one row (max_attempts), none when the job is gone.
UPDATE :"schema".jobs
SET payload = $2::jsonb,
    next_attempt_due_time = CASE WHEN attempt > 1 THEN to_timestamp($3::float8 / 1000) ELSE next_attempt_due_time END
WHERE job_id = $1::uuid
RETURNING max_attempts;
