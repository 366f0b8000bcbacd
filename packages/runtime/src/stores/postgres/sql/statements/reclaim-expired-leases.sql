-- reclaim-expired-leases: the lost-worker path, run by every worker's slow poll. Runs whose lease
-- expired (their worker crashed, was killed or lost the database) go back to the queue.
--
-- Parameters:
--   $1 float8   now, epoch ms on the scheduler's clock (completion time of runs ended here)
--   $2 text     the schema's NOTIFY channel (<schema>_wake)
--   $3 integer  most runs reclaimed by one call
--   $4 integer  maxLeaseExpiries: a started run whose lease expires for the $4th time ends failed
--
-- Returns one row: reclaimed integer (runs requeued, cancelled or failed), failed integer (of
-- those, runs that reached $4), notified boolean (null when nothing was requeued).
--
-- Invariants:
--   - At-least-once: an expired run is queued again, unless
--     * its cancellation was requested: it ends cancelled (its owner is gone);
--     * its body had started and its lease expired for the $4th time: it ends failed, and its job
--       with it, with no further attempts (a job that kills its worker must not take the fleet
--       down in a loop).
--   - Only expiries of runs whose body had started count: the runs a lost worker had claimed but
--     not started yet are its innocent neighbours, not the cause.
--   - Expiry is judged on the database's clock (clock_timestamp()), like the leases themselves.
--   - A requeued run of a paused job name goes back held (see insert-jobs).
--   - A job that ends here gets its outcome with its completion time (listJobs' key).
WITH expired AS (
  SELECT run_id, CASE WHEN cancel_requested THEN :'status_cancelled'
                      WHEN started_at IS NOT NULL AND lease_expiries + 1 >= $4::integer THEN :'status_failed'
                      ELSE :'status_queued' END AS outcome
  FROM :"schema".runs
  WHERE status = :'status_running' AND lease_expires_at < clock_timestamp()
  ORDER BY lease_expires_at LIMIT $3::integer
  FOR UPDATE SKIP LOCKED
), reclaimed AS (
  UPDATE :"schema".runs r
  SET status = CASE WHEN e.outcome = :'status_queued'
                    AND EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = r.job_name FOR SHARE)
                    THEN :'status_held' ELSE e.outcome END,
      message = CASE e.outcome
        WHEN :'status_cancelled' THEN :'message_cancelled'
        WHEN :'status_failed' THEN 'worker lost ' || (r.lease_expiries + 1) || CASE WHEN r.lease_expiries = 0 THEN ' time' ELSE ' times' END
                                   || ' while running job ' || r.job_id
                                   || ' (lease expired); giving up — raise postgresStore({ maxLeaseExpiries }) or fix the crash'
        END,
      completed_at = CASE WHEN e.outcome = :'status_queued' THEN NULL ELSE to_timestamp($1::float8 / 1000) END,
      lease_expiries = CASE WHEN e.outcome = :'status_cancelled' OR r.started_at IS NULL THEN r.lease_expiries ELSE r.lease_expiries + 1 END,
      owner = NULL, lease_expires_at = NULL
  FROM expired e WHERE r.run_id = e.run_id
  RETURNING r.run_id, r.job_id, r.status, r.message, r.due_time
), jobs_ended AS (
  UPDATE :"schema".jobs j
  SET completed_at = to_timestamp($1::float8 / 1000), next_attempt_due_time = NULL, outcome = r.status,
      last_error = CASE WHEN r.status = :'status_failed' THEN r.message ELSE j.last_error END
  FROM reclaimed r
  WHERE r.status NOT IN (:'status_queued', :'status_held') AND j.job_id = r.job_id AND j.current_run_id = r.run_id
)
SELECT count(*)::integer AS reclaimed,
       count(*) FILTER (WHERE status = :'status_failed')::integer AS failed,
       CASE WHEN count(*) FILTER (WHERE status = :'status_queued') > 0
            THEN pg_notify($2::text, :'notice_new_work'
                   || ((extract(epoch from min(due_time) FILTER (WHERE status = :'status_queued')) * 1000)::float8)::bigint::text) IS NULL
       END AS notified
FROM reclaimed;
