-- cancel-many: the cancels of a group, in one statement (the batcher's answer to many concurrent
-- cancelJob/cancelRun calls: one round trip and one commit for the group instead of a transaction
-- of one statement each). Each item is judged exactly as cancel-job.sql or cancel-run.sql alone
-- would judge it, in item order: a queued run ends cancelled at once, a running one is flagged and
-- its owner told by NOTIFY to abort the body.
--
-- Parameters (one array element per cancel, in call order):
--   $1 uuid[]     ids: a job id (cancelJob) or a run id (cancelRun)
--   $2 boolean[]  true: the id is a job id (cancel its current run); false: a run id
--   $3 float8     now, epoch ms on the scheduler's clock (completion time of a run cancelled here)
--   $4 text       the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row per item that found something to cancel (items that did not answer nothing, as
-- a lone cancel-job returning no row): item integer (1-based position in the arrays), then the
-- columns of cancel-job.sql (run_id, job_id, was_running, owner, notified, job_name, trace_context,
-- schedule_key, start_allowed).
--
-- Invariants:
--   - The same as cancel-job.sql: the targeted runs are locked (FOR UPDATE) while judged, so a
--     cancel and a claim or completion of a run serialise; a job ends with its run only if the run
--     is still its current run.
--   - Locks are taken in run id order, so two groups that share runs wait for each other instead
--     of deadlocking.
--   - Several items reaching one run answer as if run one after another: a queued run is cancelled
--     by the first of them (the later ones find it finished: no row); a running run is flagged by
--     each of them (every one answers it, as each lone statement would).
WITH input AS (
  SELECT i.id, i.by_job, i.item FROM unnest($1::uuid[], $2::boolean[]) WITH ORDINALITY AS i(id, by_job, item)
), wanted AS (
  SELECT i.item, CASE WHEN i.by_job THEN j.current_run_id ELSE i.id END AS run_id
  FROM input i LEFT JOIN :"schema".jobs j ON i.by_job AND j.job_id = i.id
), target AS (
  SELECT r.run_id, r.status FROM :"schema".runs r
  WHERE r.run_id IN (SELECT run_id FROM wanted) AND r.status IN (:'status_queued', :'status_held', :'status_running')
  ORDER BY r.run_id
  FOR UPDATE
), before_start AS (
  UPDATE :"schema".runs r
  SET status = :'status_cancelled', message = :'message_cancelled_before_execution', completed_at = to_timestamp($3::float8 / 1000)
  FROM target t WHERE r.run_id = t.run_id AND t.status IN (:'status_queued', :'status_held')
  RETURNING r.run_id, r.job_id, r.job_name
), jobs_before_start AS (
  UPDATE :"schema".jobs j
  SET completed_at = to_timestamp($3::float8 / 1000), next_attempt_due_time = NULL, outcome = :'status_cancelled'
  FROM before_start b WHERE j.job_id = b.job_id AND j.current_run_id = b.run_id
), flagged AS (
  UPDATE :"schema".runs r SET cancel_requested = true
  FROM target t WHERE r.run_id = t.run_id AND t.status = :'status_running'
  RETURNING r.run_id, r.job_id, r.job_name, r.owner, r.start_allowed_at IS NOT NULL AS start_allowed
)
SELECT w.item::integer AS item, b.run_id::text AS run_id, b.job_id::text AS job_id, false AS was_running, NULL::text AS owner,
       NULL::boolean AS notified, b.job_name, j.trace_context, j.occurrence ->> 'scheduleKey' AS schedule_key, false AS start_allowed
FROM before_start b
JOIN (SELECT run_id, min(item) AS item FROM wanted GROUP BY run_id) w ON w.run_id = b.run_id
JOIN :"schema".jobs j ON j.job_id = b.job_id
UNION ALL
SELECT w.item::integer, f.run_id::text, f.job_id::text, true, f.owner, pg_notify($4::text, :'notice_cancel' || f.run_id::text) IS NULL,
       f.job_name, j.trace_context, j.occurrence ->> 'scheduleKey', f.start_allowed
FROM flagged f
JOIN wanted w ON w.run_id = f.run_id
JOIN :"schema".jobs j ON j.job_id = f.job_id;
