--! description: leases indexed by lease_expires_at IS NOT NULL instead of status = 'running'
--
-- A lease is set exactly while a run is running. Keyed on the status, the index was the planner's
-- pick for every fenced "status is running" update (completions, start marks), a scan of all
-- running runs filtered against the batch; keyed on the lease, only the reclaim of expired leases
-- (and the running-runs snapshot) can use it, and completions probe the primary key.

DROP INDEX :"schema".runs_running_lease;
CREATE INDEX runs_lease_expiry ON :"schema".runs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
