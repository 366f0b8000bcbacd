-- insert-jobs: writes new runtime jobs, each with its first run (attempt 1, queued), and wakes the
-- workers listening on the schema's channel.
--
-- Parameters:
--   $1 jsonb  the jobs: [{"job_id", "run_id", "job_name", "payload", "due_ms", "max_attempts",
--             "correlation_id", "resilience", "resilience_mode", "created_ms"}], times in epoch ms
--   $2 text   the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row (notified: always true; the row exists so the NOTIFY is evaluated).
--
-- Invariants:
--   - Runs in the caller's transaction when enqueue joins one ({ client }): the jobs and the
--     NOTIFY commit, or vanish, with the caller's own writes.
--   - The notice is 'n' followed by the earliest due time of the batch (epoch ms), so a listener
--     learns when to look without a query.
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
    job_id uuid, run_id uuid, job_name text, payload jsonb, due_ms float8, max_attempts integer,
    correlation_id text, resilience jsonb, resilience_mode text, created_ms float8)
), jobs AS (
  INSERT INTO :"schema".jobs (job_id, job_name, payload, current_run_id, attempt, max_attempts, correlation_id,
                              resilience, resilience_mode, created_at)
  SELECT job_id, job_name, payload, run_id, 1, max_attempts, correlation_id, resilience, resilience_mode,
         to_timestamp(created_ms / 1000)
  FROM input
), runs AS (
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT run_id, job_id, job_name, 1, to_timestamp(due_ms / 1000), :'status_queued' FROM input
)
SELECT pg_notify($2::text, :'notice_new_work' || min(due_ms)::bigint::text) IS NULL AS notified
FROM input;
