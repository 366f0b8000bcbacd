-- count-jobs-of-name: how many runtime jobs of one job name are in each status, for countJobs
-- with a job name.
--
-- Parameters:
--   $1 text  the job name
--
-- Returns one row: queued, running, waiting_retry, succeeded, failed, cancelled, skipped (integers).
--
-- Invariants:
--   - Counted from indexes only, on the job name's ranges: finished jobs per outcome from
--     jobs_finished_by_name, pending jobs from jobs_pending_by_name, running runs from their leases,
--     pending deferred retries from jobs_retrying. queued is what is left of the pending jobs.
--   - A running run is always its job's current run, and its job is pending.
WITH finished AS (
  SELECT o.outcome, c.n
  FROM unnest(ARRAY[:'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped']::text[]) AS o(outcome)
  CROSS JOIN LATERAL (SELECT count(*)::integer AS n FROM :"schema".jobs j WHERE j.job_name = $1::text AND j.outcome = o.outcome AND j.outcome IS NOT NULL) c
), pending AS (
  SELECT count(*)::integer AS n FROM :"schema".jobs WHERE job_name = $1::text AND outcome IS NULL
), running AS (
  SELECT count(*)::integer AS n FROM :"schema".runs WHERE lease_expires_at IS NOT NULL AND job_name = $1::text
), retrying AS (
  SELECT count(*)::integer AS n
  FROM :"schema".jobs j CROSS JOIN LATERAL (SELECT status FROM :"schema".runs WHERE run_id = j.current_run_id OFFSET 0) r
  WHERE j.job_name = $1::text AND j.outcome IS NULL AND j.attempt > 1 AND r.status IN (:'status_queued', :'status_held')
)
SELECT (SELECT n FROM pending) - (SELECT n FROM running) - (SELECT n FROM retrying) AS queued,
       (SELECT n FROM running) AS running,
       (SELECT n FROM retrying) AS waiting_retry,
       (SELECT n FROM finished WHERE outcome = :'status_succeeded') AS succeeded,
       (SELECT n FROM finished WHERE outcome = :'status_failed') AS failed,
       (SELECT n FROM finished WHERE outcome = :'status_cancelled') AS cancelled,
       (SELECT n FROM finished WHERE outcome = :'status_skipped') AS skipped;
