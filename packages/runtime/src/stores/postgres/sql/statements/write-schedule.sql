-- write-schedule: creates a schedule defined at run time, or replaces it if it still has the
-- revision the caller read (compare-and-set). The caller then deletes the replaced head and
-- inserts the new one (delete-pending-job, insert-jobs) in the same transaction.
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
--   $13 uuid     the new head's job id (null when the rule never fires)
--   $14 float8   the new head's due time, epoch ms
--   $15 float8   now, epoch ms (created_at of a new schedule, updated_at)
--
-- Returns one row (schedule_key) when written, none when the schedule's revision is not $12 (the
-- caller reads it again and retries).
--
-- Invariants:
--   - The row lock taken here is held to the end of the caller's transaction, so a worker moving
--     the schedule past its head (advance-schedules) waits, then finds the new revision and plans
--     nothing.
--   - created_at and last_slot survive a replace.
INSERT INTO :"schema".schedules AS s (schedule_key, job_name, payload, cron, time_zone, fixed_rate_ms, fixed_delay_ms, misfire,
                                      overlap, enabled, revision, head_job_id, head_due_time, created_at, updated_at)
VALUES ($1::text, $2::text, $3::jsonb, $4::text, $5::text, $6::float8::bigint, $7::float8::bigint, $8::text, $9::text, $10::boolean,
        $11::uuid, $13::uuid, to_timestamp($14::float8 / 1000), to_timestamp($15::float8 / 1000), to_timestamp($15::float8 / 1000))
ON CONFLICT (schedule_key) DO UPDATE
SET job_name = excluded.job_name, payload = excluded.payload, cron = excluded.cron, time_zone = excluded.time_zone,
    fixed_rate_ms = excluded.fixed_rate_ms, fixed_delay_ms = excluded.fixed_delay_ms, misfire = excluded.misfire,
    overlap = excluded.overlap, enabled = excluded.enabled, revision = excluded.revision, head_job_id = excluded.head_job_id,
    head_due_time = excluded.head_due_time, updated_at = excluded.updated_at
WHERE s.revision = $12::uuid
RETURNING s.schedule_key;
