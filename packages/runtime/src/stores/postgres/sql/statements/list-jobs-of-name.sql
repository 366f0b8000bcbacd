-- list-jobs-of-name: one page of one job name's runtime jobs in the given statuses, newest first
-- (creation time, then job id), for listJobs with a job name and no correlation id filter.
--
-- Parameters:
--   $1 text[]   the statuses asked for (queued, running, waiting-retry and the four terminal ones)
--   $2 float8   the cursor's creation time, epoch ms: only jobs listed after it ('Infinity' from the newest)
--   $3 uuid     the cursor's job id (ffffffff-ffff-ffff-ffff-ffffffffffff from the newest)
--   $4 integer  most rows returned
--   $5 text     the job name
--
-- Returns a row per job, in listJobs order, with get-job's columns.
--
-- Invariants:
--   - As list-jobs, on the job name's ranges of the indexes (jobs_finished_by_name,
--     jobs_pending_by_name); pending deferred retries and running runs of other names are skipped.
--   - Every part walks an index in listJobs order from the cursor and stops at $4 rows, so a page
--     costs O($4) index entries per part whatever the history holds:
--     * finished jobs: jobs_finished, one range per outcome asked for;
--     * queued: jobs_pending, skipping the (few) running and retrying jobs it meets;
--     * waiting-retry: jobs_retrying (pending jobs on attempt 2 or more), skipping running ones;
--     * running: the runs holding a lease (runs_lease_expiry), as many as the cluster runs at once.
--   - A part not asked for is cut off by its one-time filter and reads nothing.
--   - A job's status is its current run's (held reads as queued); waiting-retry is a queued run of
--     attempt 2 or more. The current run is probed by primary key (LATERAL ... OFFSET 0), never joined
--     by a scan.
WITH listed AS (
  SELECT f.job_id, f.created_at
  FROM unnest(ARRAY[:'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped']::text[]) AS o(outcome)
  CROSS JOIN LATERAL (
    SELECT j.job_id, j.created_at FROM :"schema".jobs j
    WHERE j.job_name = $5::text AND j.outcome = o.outcome AND j.outcome IS NOT NULL
      AND (j.created_at, j.job_id) < (to_timestamp($2::float8 / 1000), $3::uuid)
    ORDER BY j.created_at DESC, j.job_id DESC
    LIMIT $4::integer
  ) f
  WHERE o.outcome = ANY($1::text[])
  UNION ALL
  (SELECT j.job_id, j.created_at
   FROM :"schema".jobs j CROSS JOIN LATERAL (SELECT status FROM :"schema".runs WHERE run_id = j.current_run_id OFFSET 0) r
   WHERE :'status_queued' = ANY($1::text[]) AND j.job_name = $5::text AND j.outcome IS NULL AND j.attempt = 1
     AND r.status IN (:'status_queued', :'status_held')
     AND (j.created_at, j.job_id) < (to_timestamp($2::float8 / 1000), $3::uuid)
   ORDER BY j.created_at DESC, j.job_id DESC
   LIMIT $4::integer)
  UNION ALL
  (SELECT j.job_id, j.created_at
   FROM :"schema".jobs j CROSS JOIN LATERAL (SELECT status FROM :"schema".runs WHERE run_id = j.current_run_id OFFSET 0) r
   WHERE :'status_waiting_retry' = ANY($1::text[]) AND j.job_name = $5::text AND j.outcome IS NULL AND j.attempt > 1
     AND r.status IN (:'status_queued', :'status_held')
     AND (j.created_at, j.job_id) < (to_timestamp($2::float8 / 1000), $3::uuid)
   ORDER BY j.created_at DESC, j.job_id DESC
   LIMIT $4::integer)
  UNION ALL
  (SELECT j.job_id, j.created_at
   FROM :"schema".runs r JOIN :"schema".jobs j ON j.job_id = r.job_id AND j.current_run_id = r.run_id
   WHERE :'status_running' = ANY($1::text[]) AND r.lease_expires_at IS NOT NULL AND r.job_name = $5::text
     AND (j.created_at, j.job_id) < (to_timestamp($2::float8 / 1000), $3::uuid)
   ORDER BY j.created_at DESC, j.job_id DESC
   LIMIT $4::integer)
)
SELECT j.job_id::text AS job_id, j.current_run_id::text AS current_run_id, j.job_name, r.status AS run_status,
       j.attempt, j.max_attempts,
       CASE WHEN r.status IN (:'status_queued', :'status_held') THEN (extract(epoch from r.due_time) * 1000)::float8 END AS next_attempt_ms,
       j.correlation_id, j.last_error, (extract(epoch from j.created_at) * 1000)::float8 AS created_ms,
       (extract(epoch from r.completed_at) * 1000)::float8 AS completed_ms, j.key
FROM listed l
JOIN :"schema".jobs j ON j.job_id = l.job_id
JOIN :"schema".runs r ON r.run_id = j.current_run_id
ORDER BY l.created_at DESC, l.job_id DESC
LIMIT $4::integer;
