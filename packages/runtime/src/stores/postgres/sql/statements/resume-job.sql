-- resume-job: the first half of resumeJob: forgets that a job name is paused and tells the
-- listeners. requeue-held-runs follows in the same transaction and queues its held runs again.
--
-- Parameters:
--   $1 text  the job name
--   $2 text  the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: resumed boolean (false when the name was not paused), notified boolean.
--
-- Invariants:
--   - Two statements, not one: the delete waits for every transaction that share-locked the paused
--     row to hold a new run (an insert, a retry, a release), and requeue-held-runs, a new statement,
--     then sees those runs. In one statement they would be missed (one snapshot for both).
WITH resumed AS (
  DELETE FROM :"schema".paused_jobs WHERE job_name = $1::text RETURNING job_name
)
SELECT EXISTS (SELECT FROM resumed) AS resumed,
       pg_notify($2::text, :'notice_resumed' || $1::text) IS NULL AS notified;
