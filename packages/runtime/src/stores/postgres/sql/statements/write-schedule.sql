-- write-schedule: creates a schedule defined at run time, or replaces it if it still has the
-- revision the caller read (compare-and-set), and in the same statement deletes the head it
-- replaces (if that head is still pending) and inserts the new head. One statement, one round
-- trip, no transaction around it: it writes all of that, or nothing.
--
-- Parameters:
--   $1  text     schedule key
--   $2  text     job name
--   $3  jsonb    payload (stored form)
--   $4  text     cron (null unless a cron schedule)
--   $5  text     time zone (cron only)
--   $6  float8   fixed rate, ms (null unless a fixed-rate schedule)
--   $7  float8   fixed delay, ms (null unless a fixed-delay schedule)
--   $8  text     misfire policy
--   $9  text     overlap policy
--   $10 boolean  enabled
--   $11 uuid     the new revision
--   $12 uuid     the revision the caller read; null: the schedule must not exist yet
--   $13 uuid     the new head's job id (null when the rule never fires: $14, $17..$22, $24, $25 are then ignored)
--   $14 float8   the new head's due time, epoch ms
--   $15 float8   now, epoch ms (created_at of a new schedule and of the new head, updated_at)
--   $16 uuid     the pending head this write replaces, deleted with its run (null: none)
--   $17 uuid     the new head's first run id
--   $18 jsonb    the new head's payload (stored form)
--   $19 integer  the new head's max attempts
--   $20 jsonb    the new head's resilience policy
--   $21 text     the new head's resilience mode
--   $22 jsonb    the new head's occurrence (schedule key, revision, rule, catch-up)
--   $23 text     the schema's NOTIFY channel (<schema>_wake)
--   $24 text     the new head's correlation id
--   $25 text     the new head's trace context (W3C traceparent), or null
--   $26 uuid     the head the caller read (null: none); with $12, what the compare-and-set checks
--
-- Returns one row: written boolean (false when the schedule's revision is not $12 or its head not
-- $26, or the head $16 is no longer pending because a worker claimed it: nothing was written, the
-- caller reads the schedule again and retries).
--
-- Invariants:
--   - The schedule's row is locked first (FOR UPDATE) and its revision judged on the latest
--     committed version, so two upserts of one key serialise and the later one, finding another
--     revision, writes nothing. The lock is held to the end of the statement's transaction, so a
--     worker moving the schedule past its head (advance-schedules) waits, then finds the new
--     revision and plans nothing.
--   - The replaced head's run is deleted only while queued or held: a claim in flight and this
--     delete serialise on the run row (the claim skips a row locked here; this delete re-checks
--     the status of a row a claim updated), so a running job is never deleted. The schedule is
--     written only if that delete happened.
--   - The head is compared too: a worker moving the chain past a running head (advance-schedules)
--     plans the next head under the same revision, so a write planned from the running head it
--     read would otherwise go through and leave two heads for one slot (the worker's never
--     deleted). A head claimed ahead of its due time reads as running for those milliseconds,
--     which made that window wide enough to hit.
--   - The new head never holds its key (held_key null): the schedule arbitrates its chain. It is
--     held when its job name is paused (the paused row is share-locked, as insert-jobs does).
--   - created_at and last_slot survive a replace.
WITH current AS (
  SELECT s.revision, s.head_job_id FROM :"schema".schedules s WHERE s.schedule_key = $1::text FOR UPDATE
), allowed AS (
  SELECT true AS ok
  WHERE CASE WHEN $12::uuid IS NULL THEN NOT EXISTS (SELECT FROM current)
             ELSE EXISTS (SELECT FROM current WHERE revision = $12::uuid
                                                    AND head_job_id IS NOT DISTINCT FROM $26::uuid) END
), replaced_run AS (
  DELETE FROM :"schema".runs
  WHERE $16::uuid IS NOT NULL AND job_id = $16::uuid AND status IN (:'status_queued', :'status_held')
    AND EXISTS (SELECT FROM allowed)
  RETURNING job_id
), replaced_job AS (
  DELETE FROM :"schema".jobs j USING replaced_run r WHERE j.job_id = r.job_id
), written AS (
  INSERT INTO :"schema".schedules AS s (schedule_key, job_name, payload, cron, time_zone, fixed_rate_ms, fixed_delay_ms, misfire,
                                        overlap, enabled, revision, head_job_id, head_due_time, created_at, updated_at)
  SELECT $1::text, $2::text, $3::jsonb, $4::text, $5::text, $6::float8::bigint, $7::float8::bigint, $8::text, $9::text, $10::boolean,
         $11::uuid, $13::uuid, to_timestamp($14::float8 / 1000), to_timestamp($15::float8 / 1000), to_timestamp($15::float8 / 1000)
  WHERE EXISTS (SELECT FROM allowed) AND ($16::uuid IS NULL OR EXISTS (SELECT FROM replaced_run))
  ON CONFLICT (schedule_key) DO UPDATE
  SET job_name = excluded.job_name, payload = excluded.payload, cron = excluded.cron, time_zone = excluded.time_zone,
      fixed_rate_ms = excluded.fixed_rate_ms, fixed_delay_ms = excluded.fixed_delay_ms, misfire = excluded.misfire,
      overlap = excluded.overlap, enabled = excluded.enabled, revision = excluded.revision, head_job_id = excluded.head_job_id,
      head_due_time = excluded.head_due_time, updated_at = excluded.updated_at
  WHERE s.revision = $12::uuid
  RETURNING s.schedule_key
), head AS (
  SELECT $13::uuid AS job_id, $17::uuid AS run_id, $2::text AS job_name, $14::float8 AS due_ms
  WHERE $13::uuid IS NOT NULL AND EXISTS (SELECT FROM written)
), head_run AS (
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT h.run_id, h.job_id, h.job_name, 1, to_timestamp(h.due_ms / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = h.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END
  FROM head h
), head_job AS (
  INSERT INTO :"schema".jobs (job_id, job_name, payload, current_run_id, attempt, max_attempts, resilience, resilience_mode,
                              created_at, key, occurrence, correlation_id, trace_context)
  SELECT h.job_id, h.job_name, $18::jsonb, h.run_id, 1, $19::integer, $20::jsonb, $21::text, to_timestamp($15::float8 / 1000),
         $1::text, $22::jsonb, $24::text, $25::text
  FROM head h
)
SELECT EXISTS (SELECT FROM written) AS written,
       (SELECT pg_notify($23::text, :'notice_new_work' || h.due_ms::bigint::text) IS NULL FROM head h) AS notified;
