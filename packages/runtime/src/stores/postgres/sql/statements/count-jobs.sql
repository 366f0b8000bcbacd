-- count-jobs: how many runtime jobs are in each status, for countJobs without a job name.
--
-- Parameters: none.
--
-- Returns one row: queued, running, waiting_retry, succeeded, failed, cancelled, skipped (integers).
--
-- Invariants:
--   - Counted from indexes only: finished jobs per outcome from jobs_finished (one index-only range
--     each), pending jobs from jobs_pending, running runs from their leases, pending deferred
--     retries from jobs_retrying. queued is what is left of the pending jobs.
--   - A running run is always its job's current run, and its job is pending.
WITH finished AS (
  SELECT o.outcome, c.n
  FROM unnest(ARRAY[:'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped']::text[]) AS o(outcome)
  CROSS JOIN LATERAL (SELECT count(*)::integer AS n FROM :"schema".jobs j WHERE j.outcome = o.outcome AND j.outcome IS NOT NULL) c
), pending AS (
  SELECT count(*)::integer AS n FROM :"schema".jobs WHERE outcome IS NULL
), running AS (
  SELECT count(*)::integer AS n FROM :"schema".runs WHERE lease_expires_at IS NOT NULL
), retrying AS (
  SELECT count(*)::integer AS n
  FROM :"schema".jobs j CROSS JOIN LATERAL (SELECT status FROM :"schema".runs WHERE run_id = j.current_run_id OFFSET 0) r
  WHERE j.outcome IS NULL AND j.attempt > 1 AND r.status IN (:'status_queued', :'status_held')
)
SELECT (SELECT n FROM pending) - (SELECT n FROM running) - (SELECT n FROM retrying) AS queued,
       (SELECT n FROM running) AS running,
       (SELECT n FROM retrying) AS waiting_retry,
       (SELECT n FROM finished WHERE outcome = :'status_succeeded') AS succeeded,
       (SELECT n FROM finished WHERE outcome = :'status_failed') AS failed,
       (SELECT n FROM finished WHERE outcome = :'status_cancelled') AS cancelled,
       (SELECT n FROM finished WHERE outcome = :'status_skipped') AS skipped;
