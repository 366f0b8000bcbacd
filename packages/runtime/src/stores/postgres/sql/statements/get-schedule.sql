-- get-schedule: one schedule defined at run time, by key, with its head's status and its latest
-- outcome: what upsertSchedule reads before its compare-and-set write (write-schedule.sql).
--
-- Parameters:
--   $1 text  the schedule's key
--
-- Returns no row when there is no such schedule, else one row with the columns of
-- list-schedules.sql: schedule_key, job_name, payload, cron, time_zone, fixed_rate_ms,
-- fixed_delay_ms, misfire, overlap, enabled, revision, head_job_id, head_due_ms, head_status,
-- last_slot_ms, created_ms, updated_ms, last_run_id, last_job_id, last_job_name, last_due_ms,
-- last_started_ms, last_completed_ms, last_status, last_message. Times in epoch ms.
--
-- Invariants:
--   - The schedule is found through its primary key, its head through jobs' primary key, its
--     latest outcome among the jobs of its key (jobs_key, bounded by retention). list-schedules'
--     "one key or all" filter cannot use the primary key in a generic plan (a scan of every
--     schedule per upsert: 1.8 ms at 2,000 schedules), and ordering by completion time let the
--     planner walk jobs_completed_at over every finished job; the materialized set of the key's
--     finished jobs rules both out.
WITH finished AS MATERIALIZED (
  SELECT j.current_run_id, j.completed_at FROM :"schema".jobs j
  WHERE j.key = $1::text AND j.occurrence ->> 'scheduleKey' = $1::text AND j.completed_at IS NOT NULL
), last AS (
  SELECT r.run_id::text AS run_id, r.job_id::text AS job_id, r.job_name, (extract(epoch from r.due_time) * 1000)::float8 AS due_ms,
         (extract(epoch from r.started_at) * 1000)::float8 AS started_ms, (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms,
         r.status, r.message
  FROM finished f JOIN :"schema".runs r ON r.run_id = f.current_run_id
  ORDER BY f.completed_at DESC
  LIMIT 1
)
SELECT s.schedule_key, s.job_name, s.payload, s.cron, s.time_zone, s.fixed_rate_ms::float8 AS fixed_rate_ms,
       s.fixed_delay_ms::float8 AS fixed_delay_ms, s.misfire, s.overlap, s.enabled, s.revision::text AS revision,
       s.head_job_id::text AS head_job_id, (extract(epoch from s.head_due_time) * 1000)::float8 AS head_due_ms,
       CASE WHEN hr.status IN (:'status_queued', :'status_held') THEN
              CASE WHEN hj.attempt > 1 THEN :'status_waiting_retry' ELSE :'status_queued' END
            ELSE hr.status END AS head_status,
       (extract(epoch from s.last_slot) * 1000)::float8 AS last_slot_ms,
       (extract(epoch from s.created_at) * 1000)::float8 AS created_ms,
       (extract(epoch from s.updated_at) * 1000)::float8 AS updated_ms,
       last.run_id AS last_run_id, last.job_id AS last_job_id, last.job_name AS last_job_name, last.due_ms AS last_due_ms,
       last.started_ms AS last_started_ms, last.completed_ms AS last_completed_ms, last.status AS last_status, last.message AS last_message
FROM :"schema".schedules s
LEFT JOIN :"schema".jobs hj ON hj.job_id = s.head_job_id
LEFT JOIN :"schema".runs hr ON hr.run_id = hj.current_run_id
LEFT JOIN last ON true
WHERE s.schedule_key = $1::text;
