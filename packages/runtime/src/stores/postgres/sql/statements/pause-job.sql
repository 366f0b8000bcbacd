-- pause-job: pauses a job name for every process sharing the schema (pauseJob): records it, holds
-- its queued runs, and tells the listeners.
--
-- Parameters:
--   $1 text  the job name
--   $2 text  the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: held integer (queued runs now held), notified boolean (always true).
--
-- Invariants:
--   - Idempotent: pausing a paused name records nothing new (its runs are held already).
--   - A held run is out of runs_queued_due: no claim hands it out or walks over it. A run claimed
--     before the pause is handed back by its worker (release-runs), held too; the listeners' notice
--     ('p' and the name) tells each worker at once, and their poll reads paused_jobs again.
--   - Runs of the name queued while this commits are found by the workers' check before a body
--     starts (they hand it back, held); nothing of a paused name starts once its worker knows.
WITH paused AS (
  INSERT INTO :"schema".paused_jobs (job_name) VALUES ($1::text)
  ON CONFLICT (job_name) DO NOTHING
), held AS (
  UPDATE :"schema".runs SET status = :'status_held'
  WHERE job_name = $1::text AND status = :'status_queued'
  RETURNING 1
)
SELECT (SELECT count(*) FROM held)::integer AS held,
       pg_notify($2::text, :'notice_paused' || $1::text) IS NULL AS notified;
