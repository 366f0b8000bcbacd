--! description: enqueue-once keys and schedules defined at run time
--
-- Keys. jobs.key is the key a job was enqueued with (JobState.key, listJobs({ key })); an
-- occurrence of a schedule carries its schedule's key there, and jobs.occurrence says which
-- schedule, revision and rule it belongs to. runs.held_key is set while a queued run holds its
-- job's key: the unique index over queued runs (held ones too: a paused job name's runs wait as
-- held, migration 5) is the whole rule "at most one pending job per (job name, key)", race-free
-- for any number of producers (an insert that meets the key takes the ON CONFLICT branch). A claim
-- clears held_key, so a running job holds no key and a run given back to the queue later
-- (shutdown, lost worker) comes back without it; a deferred retry takes the key again when free.
--
-- Schedules. One row per schedule defined at run time. head_job_id is the occurrence planned last
-- (pending until a worker claims it); every change to a schedule — an upsert, or a worker moving it
-- past its head — is a compare-and-set on (revision, head_job_id) under the row lock, so one head
-- exists per schedule and no slot is planned twice. No foreign key to jobs: retention may delete a
-- finished head, which the repair sweep then treats as gone.

ALTER TABLE :"schema".jobs ADD COLUMN key text, ADD COLUMN occurrence jsonb;
CREATE INDEX jobs_key ON :"schema".jobs (key, created_at, job_id) WHERE key IS NOT NULL;

ALTER TABLE :"schema".runs ADD COLUMN held_key text;
CREATE UNIQUE INDEX runs_held_key ON :"schema".runs (job_name, held_key)
  WHERE status IN (:'status_queued', :'status_held') AND held_key IS NOT NULL;

CREATE TABLE :"schema".schedules (
  schedule_key text PRIMARY KEY,
  job_name text NOT NULL,
  payload jsonb,
  cron text,
  time_zone text,
  fixed_rate_ms bigint,
  fixed_delay_ms bigint,
  misfire text NOT NULL,
  overlap text NOT NULL,
  enabled boolean NOT NULL,
  revision uuid NOT NULL,
  head_job_id uuid,
  head_due_time timestamptz,
  last_slot timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (num_nonnulls(cron, fixed_rate_ms, fixed_delay_ms) = 1)
);
