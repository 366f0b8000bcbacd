-- list-schedules: schedules defined at run time, with their head's status and their latest outcome.
--
-- Parameters:
--   $1 text     one schedule's key, or null for every schedule
--   $2 boolean  only stuck schedules: their head ended (cancelled, or its slot ran without the next
--               one being planned) or is gone, so no worker will plan their next slot
--
-- Returns a row per schedule, by key (bytewise): schedule_key, job_name, payload, cron, time_zone,
-- fixed_rate_ms, fixed_delay_ms, misfire, overlap, enabled, revision, head_job_id, head_due_ms,
-- head_status (the head job's status, derived as in get-job: a held run reads as queued; null when
-- the head job is gone), last_slot_ms, created_ms, updated_ms, and the latest finished occurrence of the
-- schedule as last_run_id, last_job_id, last_job_name, last_due_ms, last_started_ms,
-- last_completed_ms, last_status, last_message (nulls when none). Times in epoch ms.
--
-- Invariants:
--   - A head is found through jobs' primary key, the latest outcome through jobs_key: both are
--     bounded by retention, never a scan of the history.
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
LEFT JOIN LATERAL (
  SELECT r.run_id::text AS run_id, r.job_id::text AS job_id, r.job_name, (extract(epoch from r.due_time) * 1000)::float8 AS due_ms,
         (extract(epoch from r.started_at) * 1000)::float8 AS started_ms, (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms,
         r.status, r.message
  FROM :"schema".jobs j JOIN :"schema".runs r ON r.run_id = j.current_run_id
  WHERE j.key = s.schedule_key AND j.occurrence ->> 'scheduleKey' = s.schedule_key AND j.completed_at IS NOT NULL
  ORDER BY j.completed_at DESC
  LIMIT 1
) last ON true
WHERE ($1::text IS NULL OR s.schedule_key = $1::text)
  AND (NOT $2::boolean OR (s.head_job_id IS NOT NULL AND (hr.run_id IS NULL OR hr.status NOT IN (:'status_queued', :'status_held', :'status_running'))))
ORDER BY s.schedule_key COLLATE "C";
