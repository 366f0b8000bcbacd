-- insert-jobs: writes new runtime jobs, each with its first run (attempt 1, queued; held when its
-- job name is paused), and wakes the workers listening on the schema's channel. A job with a key
-- first meets the pending job of its name that holds that key, if there is one: then nothing is
-- inserted for it, and that job is answered — unchanged ("keep"), or with the new payload and due
-- time ("replace").
--
-- Parameters (one array element per job; an array may be shorter, even empty, where the rest of
-- its elements are null: unnest pads it, and the store sends a column of nulls as an empty array):
--   $1  uuid[]     job ids
--   $2  uuid[]     first run ids
--   $3  text[]     job names
--   $4  jsonb[]    payloads (stored form)
--   $5  float8[]   due times, epoch ms
--   $6  integer[]  max attempts
--   $7  text[]     correlation ids
--   $8  jsonb[]    resilience policies
--   $9  text[]     resilience modes
--   $10 float8[]   creation times, epoch ms
--   $11 text[]     keys (null: no key)
--   $12 boolean[]  replace: what a keyed job does when a pending job holds its key (false: keep)
--   $13 jsonb[]    occurrences (null: not an occurrence of a run-time schedule)
--   $14 text[]     trace contexts: the W3C traceparent of the span that scheduled each job, or null
--   $15 text       the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row:
--   holders   json  the jobs whose key a pending job holds, or null when every job was inserted:
--                   [{"item" (1-based position in the arrays), "job_id", "run_id", "attempt",
--                   "due_ms" (the holder's, after a replace), "max_attempts", "payload_missed"}]
--   notified  boolean  always true (the row exists so the NOTIFY is evaluated)
-- A holder committed by another transaction after this statement began is reached by ON CONFLICT
-- but not by this statement's snapshot: its max_attempts reads null and a replace's payload is not
-- written (payload_missed); the store reads and writes those again in a statement of their own,
-- in the same transaction (the run row stays locked by ON CONFLICT until it ends).
--
-- Invariants:
--   - The arrays carry each (job name, key) at most once (ON CONFLICT DO UPDATE may touch a row
--     once per statement); the store splits duplicates before.
--   - Race-free: two producers inserting one key meet at runs_held_key; the later one waits for
--     the earlier's transaction and, if it committed, takes the ON CONFLICT branch.
--   - An occurrence carries its schedule's key in jobs.key but never holds it (held_key null):
--     its schedule arbitrates it (see schedules in migration 5).
--   - Runs in the caller's transaction when enqueue joins one ({ client }): the jobs and the
--     NOTIFY commit, or vanish, with the caller's own writes.
--   - The notice is 'n' followed by the earliest due time of the batch (epoch ms), so a listener
--     learns when to look without a query.
--   - A run of a paused job name is held (out of the claim index). The paused row is share-locked,
--     so a resume, which deletes it first, waits for this transaction and then requeues the run.
--   - Arrays through unnest rather than one jsonb document through jsonb_to_recordset: passing and
--     reading 20,000 jobs took 134 ms against 142 ms (medians of 15, PostgreSQL 15 on the 2-core
--     dev box, 2026-12-03); the whole insert of 20,000 unkeyed jobs takes ~350 ms either way, a
--     third of it that transfer. COPY is not an option: it needs a driver extension
--     (pg-copy-streams), writes one table per statement (jobs, then runs) and knows no ON CONFLICT.
--   - The holders join reads keyed rows only: joining every returned run to every input row made an
--     unkeyed batch of 20,000 three times slower (949 ms against 363 ms).
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::float8[], $6::integer[], $7::text[],
                       $8::jsonb[], $9::text[], $10::float8[], $11::text[], $12::boolean[], $13::jsonb[], $14::text[]) WITH ORDINALITY
    AS i(job_id, run_id, job_name, payload, due_ms, max_attempts, correlation_id, resilience, resilience_mode,
         created_ms, key, replace, occurrence, trace_context, item)
), paused AS (
  -- Looked up once per statement, not once per job (a batch of 20,000 made 20,000 locking probes).
  SELECT p.job_name FROM :"schema".paused_jobs p WHERE p.job_name IN (SELECT DISTINCT job_name FROM input) FOR SHARE
), unkeyed_runs AS (
  -- A run that holds no key cannot conflict, so it skips ON CONFLICT's speculative insertion
  -- (about 15 % of an unkeyed batch of 20,000).
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT run_id, job_id, job_name, 1, to_timestamp(due_ms / 1000),
         CASE WHEN job_name IN (SELECT job_name FROM paused) THEN :'status_held' ELSE :'status_queued' END
  FROM input
  WHERE key IS NULL OR occurrence IS NOT NULL
), runs AS (
  -- The runs that hold a key: inserted, or met by the pending run that holds it.
  INSERT INTO :"schema".runs AS r (run_id, job_id, job_name, attempt, due_time, status, held_key)
  SELECT run_id, job_id, job_name, 1, to_timestamp(due_ms / 1000),
         CASE WHEN job_name IN (SELECT job_name FROM paused) THEN :'status_held' ELSE :'status_queued' END,
         key
  FROM input
  WHERE key IS NOT NULL AND occurrence IS NULL
  ON CONFLICT (job_name, held_key) WHERE status IN (:'status_queued', :'status_held') AND held_key IS NOT NULL
  DO UPDATE SET due_time = CASE WHEN (SELECT i.replace FROM input i WHERE i.run_id = excluded.run_id)
                                THEN excluded.due_time ELSE r.due_time END
  RETURNING r.run_id, r.job_id, r.job_name, r.held_key, r.attempt, r.due_time
), jobs AS (
  INSERT INTO :"schema".jobs (job_id, job_name, payload, current_run_id, attempt, max_attempts, correlation_id,
                              resilience, resilience_mode, created_at, key, occurrence, trace_context)
  SELECT i.job_id, i.job_name, i.payload, i.run_id, 1, i.max_attempts, i.correlation_id, i.resilience, i.resilience_mode,
         to_timestamp(i.created_ms / 1000), i.key, i.occurrence, i.trace_context
  FROM input i
  WHERE i.key IS NULL OR i.occurrence IS NOT NULL OR i.run_id IN (SELECT run_id FROM runs)
), holders AS (
  -- Keyed rows only, so an unkeyed batch joins nothing (a join of every row was 3x the insert).
  SELECT i.item, i.replace, r.job_id, r.run_id, r.attempt, r.due_time
  FROM runs r
  JOIN (SELECT * FROM input WHERE key IS NOT NULL AND occurrence IS NULL) i
    ON i.job_name = r.job_name AND i.key = r.held_key AND i.run_id <> r.run_id
), moved AS (
  UPDATE :"schema".jobs j
  SET payload = i.payload,
      next_attempt_due_time = CASE WHEN j.attempt > 1 THEN h.due_time ELSE j.next_attempt_due_time END
  FROM holders h JOIN input i ON i.item = h.item
  WHERE h.replace AND j.job_id = h.job_id
  RETURNING j.job_id, j.max_attempts
)
SELECT
  (SELECT json_agg(held ORDER BY held.item) FROM (
     SELECT h.item, h.job_id, h.run_id, h.attempt, (extract(epoch from h.due_time) * 1000)::float8 AS due_ms,
            coalesce(m.max_attempts, (SELECT j.max_attempts FROM :"schema".jobs j WHERE j.job_id = h.job_id)) AS max_attempts,
            h.replace AND m.job_id IS NULL AS payload_missed
     FROM holders h LEFT JOIN moved m ON m.job_id = h.job_id
   ) held) AS holders,
  pg_notify($15::text, :'notice_new_work' || min(due_ms)::bigint::text) IS NULL AS notified
FROM input;
