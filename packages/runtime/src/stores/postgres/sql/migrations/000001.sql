--! description: runtime jobs, their runs, recurring-occurrence claims
--
-- A job has no status column: its status is derived from its current run (jobs.current_run_id).
-- A job's attempts are its runs; a retry is a new run of the same job.

CREATE TABLE :"schema".jobs (
  job_id uuid PRIMARY KEY,
  job_name text NOT NULL,
  payload jsonb,
  current_run_id uuid NOT NULL,
  attempt integer NOT NULL,
  max_attempts integer NOT NULL,
  next_attempt_due_time timestamptz,
  correlation_id text,
  resilience jsonb,
  resilience_mode text NOT NULL DEFAULT 'inline',
  last_error text,
  created_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX jobs_completed_at ON :"schema".jobs (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE :"schema".runs (
  run_id uuid PRIMARY KEY,
  job_id uuid NOT NULL REFERENCES :"schema".jobs (job_id) ON DELETE CASCADE,
  job_name text NOT NULL,
  attempt integer NOT NULL,
  due_time timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN (:'status_queued', :'status_running', :'status_succeeded', :'status_failed', :'status_cancelled', :'status_skipped')),
  owner text,
  lease_expires_at timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  claims integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  completed_at timestamptz,
  message text
);
CREATE INDEX runs_queued_due ON :"schema".runs (due_time) WHERE status = :'status_queued';
CREATE INDEX runs_running_lease ON :"schema".runs (lease_expires_at) WHERE status = :'status_running';
CREATE INDEX runs_job ON :"schema".runs (job_id);
CREATE INDEX runs_outcomes ON :"schema".runs (job_name, completed_at DESC) WHERE completed_at IS NOT NULL;

CREATE TABLE :"schema".occurrences (
  job_name text NOT NULL,
  due_time timestamptz NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_name, due_time)
);
