-- requeue-held-runs: queues again the held runs of job names that are no longer paused, and wakes
-- the workers. Follows resume-job in its transaction; every worker's poll runs it too, so a run
-- held by a statement that raced a resume waits at most one poll interval.
--
-- Parameters:
--   $1 text  the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: requeued integer, notified boolean (null when nothing was requeued).
--
-- Invariants:
--   - Reads runs_held_due: only held runs, never the queue or the history.
--   - A requeued run keeps its run id, attempt and due time: it is the run that was held.
WITH requeued AS (
  UPDATE :"schema".runs r SET status = :'status_queued'
  WHERE r.status = :'status_held'
    AND NOT EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = r.job_name)
  RETURNING r.due_time
)
SELECT count(*)::integer AS requeued,
       CASE WHEN count(*) > 0
            THEN pg_notify($1::text, :'notice_new_work' || ((extract(epoch from min(due_time)) * 1000)::float8)::bigint::text) IS NULL
       END AS notified
FROM requeued;
