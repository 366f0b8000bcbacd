-- list-queued-runs: the queue, earliest due first, for snapshots.
--
-- Parameters:
--   $1 integer  most rows returned
--
-- Returns a row per queued run: run_id, job_id, job_name, due_ms, started_ms, completed_ms,
-- status, message, owner (times in epoch ms).
--
-- Invariants:
--   - Walks runs_queued_due in order; ties broken by run id so pages are stable.
SELECT run_id::text AS run_id, job_id::text AS job_id, job_name, (extract(epoch from due_time) * 1000)::float8 AS due_ms,
       (extract(epoch from started_at) * 1000)::float8 AS started_ms,
       (extract(epoch from completed_at) * 1000)::float8 AS completed_ms, status, message, owner
FROM :"schema".runs
WHERE status = :'status_queued'
ORDER BY due_time, run_id
LIMIT $1::integer;
