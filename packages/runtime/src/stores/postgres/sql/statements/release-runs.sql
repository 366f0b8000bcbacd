-- release-runs: gives leased runs whose body never started back to the queue (at shutdown, or a
-- run the dispatcher handed back), and wakes the workers so another one takes them.
--
-- Parameters:
--   $1 uuid[]     run ids to release
--   $2 integer[]  their lease tokens (claims), index for index with $1
--   $3 text       owner: this worker's id
--   $4 text       the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: released integer (how many went back), notified boolean (null when none did).
--
-- Invariants:
--   - Fenced like a completion: only runs still running, owned by $3, under the same token.
--   - A released run keeps its lease token count (claims) and its lease-expiry count: it was
--     never started, so it is not counted against the run.
--   - A run of a paused job name goes back held, not queued (see insert-jobs): a worker hands back
--     a run it claimed before it learned of the pause.
WITH released AS (
  UPDATE :"schema".runs r
  SET status = CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = r.job_name FOR SHARE)
                   THEN :'status_held' ELSE :'status_queued' END,
      owner = NULL, lease_expires_at = NULL, started_at = NULL, start_allowed_at = NULL
  FROM unnest($1::uuid[], $2::integer[]) AS held(run_id, claims)
  WHERE r.run_id = held.run_id AND r.claims = held.claims AND r.owner = $3::text AND r.status = :'status_running'
  RETURNING r.due_time
)
SELECT count(*)::integer AS released,
       CASE WHEN count(*) > 0
            THEN pg_notify($4::text, :'notice_new_work' || ((extract(epoch from min(due_time)) * 1000)::float8)::bigint::text) IS NULL
       END AS notified
FROM released;
