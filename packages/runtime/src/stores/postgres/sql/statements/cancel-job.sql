-- cancel-job: cancels a job through its current run (a retry waiting in the queue, or the run
-- active now). A queued run ends cancelled at once; a running one is flagged, and its owner is
-- told by NOTIFY to abort the body (the heartbeat reads the flag too, in case the notice is
-- missed). cancel-run and cancel-job differ only in how they find the run.
--
-- Parameters:
--   $1 uuid    the job id
--   $2 float8  now, epoch ms on the scheduler's clock (completion time of a run cancelled here)
--   $3 text    the schema's NOTIFY channel (<schema>_wake)
--
-- Returns no row when there is nothing to cancel (unknown id, or the run already finished), else
-- one row: run_id text, job_id text, was_running boolean (false: cancelled before its body
-- started; true: flagged, its owner aborts it), owner text (the worker holding it, when running),
-- notified boolean (true when the owner was sent the cancel notice), job_name text and
-- trace_context text (the job's, for the telemetry of a run cancelled before it started),
-- schedule_key text (set when the job is an occurrence of a run-time schedule, whose chain the
-- caller then checks: a cancelled slot skips that slot only), start_allowed boolean (true when
-- the owner had been allowed to start the body before this cancel: it then aborts the body or,
-- still waiting for a slot, ends the run without it; false means the body never starts, see
-- complete-and-claim.sql).
--
-- Invariants:
--   - The run is locked (FOR UPDATE) while it is judged, so a cancel and a claim or completion of
--     the same run serialise: a run is cancelled either before it is leased or while it runs.
--   - A job ends with its run only if the run is still the job's current run.
--   - Only the job's current run is a target: earlier attempts are finished already.
WITH target AS (
  SELECT r.run_id, r.status FROM :"schema".runs r
  WHERE r.run_id = (SELECT current_run_id FROM :"schema".jobs WHERE job_id = $1::uuid)
    AND r.status IN (:'status_queued', :'status_held', :'status_running')
  FOR UPDATE
), before_start AS (
  UPDATE :"schema".runs r
  SET status = :'status_cancelled', message = :'message_cancelled_before_execution', completed_at = to_timestamp($2::float8 / 1000)
  FROM target t WHERE r.run_id = t.run_id AND t.status IN (:'status_queued', :'status_held')
  RETURNING r.run_id, r.job_id, r.job_name
), jobs_before_start AS (
  UPDATE :"schema".jobs j
  SET completed_at = to_timestamp($2::float8 / 1000), next_attempt_due_time = NULL, outcome = :'status_cancelled'
  FROM before_start b WHERE j.job_id = b.job_id AND j.current_run_id = b.run_id
), flagged AS (
  UPDATE :"schema".runs r SET cancel_requested = true
  FROM target t WHERE r.run_id = t.run_id AND t.status = :'status_running'
  RETURNING r.run_id, r.job_id, r.job_name, r.owner, r.start_allowed_at IS NOT NULL AS start_allowed
)
SELECT b.run_id::text AS run_id, b.job_id::text AS job_id, false AS was_running, NULL::text AS owner, NULL::boolean AS notified,
       b.job_name, j.trace_context, j.occurrence ->> 'scheduleKey' AS schedule_key, false AS start_allowed
FROM before_start b JOIN :"schema".jobs j ON j.job_id = b.job_id
UNION ALL
SELECT f.run_id::text, f.job_id::text, true, f.owner, pg_notify($3::text, :'notice_cancel' || f.run_id::text) IS NULL,
       f.job_name, j.trace_context, j.occurrence ->> 'scheduleKey', f.start_allowed
FROM flagged f JOIN :"schema".jobs j ON j.job_id = f.job_id;
