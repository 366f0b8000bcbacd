-- advance-schedules: moves schedules past their heads and inserts what each planned: its next
-- head, and the missed slots it replays (misfire "catch-up"). Each schedule moves only if it still
-- has the revision and the head its process planned from (compare-and-set); the occurrences of a
-- schedule that did not move are not inserted.
--
-- Parameters:
--   $1  text[]     per schedule: its key
--   $2  uuid[]     per schedule: the revision its head was planned from
--   $3  uuid[]     per schedule: the head it moves past
--   $4  float8[]   per schedule: that head's slot, epoch ms (becomes last_slot)
--   $5  uuid[]     per schedule: the next head's job id, or null when the rule fires no more
--   $6  float8[]   per schedule: the next head's due time, epoch ms
--   $7  text[]     per occurrence (heads and replayed slots): its schedule's key
--   $8  uuid[]     per occurrence: job id
--   $9  uuid[]     per occurrence: run id
--   $10 text[]     per occurrence: job name
--   $11 jsonb[]    per occurrence: payload
--   $12 float8[]   per occurrence: due time, epoch ms
--   $13 jsonb[]    per occurrence: resilience policy
--   $14 jsonb[]    per occurrence: occurrence (schedule, revision, rule, catch-up)
--   $15 float8     now, epoch ms (created_at)
--   $16 text       the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: advanced text[] (the keys of the schedules that moved).
--
-- Invariants:
--   - Each schedule appears once in $1..$6 (an UPDATE uses one source row per target row).
--   - Two workers moving one schedule past one head (a lease expired and another worker claimed the
--     head again) serialise on the schedule row; the second finds another head and inserts nothing.
--   - Occurrences never hold their key (held_key null): the schedule row arbitrates them.
--   - An occurrence of a paused job name is held, as insert-jobs does.
WITH advanced AS (
  UPDATE :"schema".schedules s
  SET head_job_id = a.head_job_id, head_due_time = to_timestamp(a.head_due_ms / 1000),
      last_slot = greatest(s.last_slot, to_timestamp(a.from_slot_ms / 1000))
  FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::float8[], $5::uuid[], $6::float8[])
    AS a(schedule_key, revision, from_job_id, from_slot_ms, head_job_id, head_due_ms)
  WHERE s.schedule_key = a.schedule_key AND s.revision = a.revision AND s.head_job_id = a.from_job_id
  RETURNING s.schedule_key
), input AS (
  SELECT * FROM unnest($7::text[], $8::uuid[], $9::uuid[], $10::text[], $11::jsonb[], $12::float8[], $13::jsonb[], $14::jsonb[])
    AS i(schedule_key, job_id, run_id, job_name, payload, due_ms, resilience, occurrence)
  WHERE i.schedule_key IN (SELECT schedule_key FROM advanced)
), jobs AS (
  INSERT INTO :"schema".jobs (job_id, job_name, payload, current_run_id, attempt, max_attempts, resilience, resilience_mode,
                              created_at, key, occurrence)
  SELECT job_id, job_name, payload, run_id, 1, 1, resilience, 'inline', to_timestamp($15::float8 / 1000), schedule_key, occurrence
  FROM input
), runs AS (
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT run_id, job_id, job_name, 1, to_timestamp(due_ms / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = input.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END
  FROM input
)
SELECT (SELECT coalesce(array_agg(schedule_key), '{}') FROM advanced) AS advanced,
       (SELECT pg_notify($16::text, :'notice_new_work' || min(due_ms)::bigint::text) IS NULL FROM input HAVING count(*) > 0) AS notified;
