-- next-due-time: when the earliest queued run is due (due already or not), so an idle worker
-- knows when to claim next.
--
-- Parameters: none.
--
-- Returns one row: due_ms float8 (epoch ms), null when the queue is empty.
SELECT (extract(epoch from min(due_time)) * 1000)::float8 AS due_ms
FROM :"schema".runs
WHERE status = :'status_queued';
