-- list-active-runs: the runs leased by any worker, earliest started first, for snapshots.
--
-- Parameters:
--   $1 integer  most rows returned
--
-- Returns a row per running run: run_id, job_id, job_name, due_ms, started_ms (null until its
-- start mark is written), completed_ms, status, message, owner (times in epoch ms).
--
-- Invariants:
--   - A running run always holds a lease (lease_expires_at is set exactly while it runs); the
--     lease condition lets the planner use runs_lease_expiry.
SELECT run_id::text AS run_id, job_id::text AS job_id, job_name, (extract(epoch from due_time) * 1000)::float8 AS due_ms,
       (extract(epoch from started_at) * 1000)::float8 AS started_ms,
       (extract(epoch from completed_at) * 1000)::float8 AS completed_ms, status, message, owner
FROM :"schema".runs
WHERE status = :'status_running' AND lease_expires_at IS NOT NULL
ORDER BY started_at, run_id
LIMIT $1::integer;
