-- list-queued-runs: the queue, earliest due first, for snapshots: queued runs and the held runs of
-- paused job names (which are queued too, as far as anyone can see).
--
-- Parameters:
--   $1 integer  most rows returned
--
-- Returns a row per queued run: run_id, job_id, job_name, due_ms, started_ms, completed_ms,
-- status (queued, also for a held run), message, owner (times in epoch ms).
--
-- Invariants:
--   - Walks runs_queued_due and runs_held_due in order, $1 rows each at most, and merges them;
--     ties broken by run id so pages are stable.
SELECT run_id::text AS run_id, job_id::text AS job_id, job_name, (extract(epoch from due_time) * 1000)::float8 AS due_ms,
       (extract(epoch from started_at) * 1000)::float8 AS started_ms,
       (extract(epoch from completed_at) * 1000)::float8 AS completed_ms, :'status_queued' AS status, message, owner
FROM (
  (SELECT * FROM :"schema".runs WHERE status = :'status_queued' ORDER BY due_time, run_id LIMIT $1::integer)
  UNION ALL
  (SELECT * FROM :"schema".runs WHERE status = :'status_held' ORDER BY due_time, run_id LIMIT $1::integer)
) waiting
ORDER BY due_time, run_id
LIMIT $1::integer;
