--! description: runs waiting for a cluster-wide gate (group, overlap "queue", deferred retries, catch-up slots)
--
-- One row per run waiting, in some process, for a slot of a gate of gate_slots (migration 8). place
-- orders the waiters of a gate (first asked, first served): a slot goes to a waiter only when no live
-- waiter of the gate has a smaller place, and a run that would skip rather than wait (overlap "skip")
-- skips while any live waiter exists, as the per-process gates do. recurring marks a recurring slot
-- under overlap "queue", of which at most one waits per gate (later ones are skipped "coalesced").
-- The waiter's process refreshes lease_expires_at each time it asks again (at least three times a
-- lease), so a dead process's waiters stop counting after one lease.

CREATE TABLE :"schema".gate_waiters (
  gate text NOT NULL,
  run_id text NOT NULL,
  owner text NOT NULL,
  recurring boolean NOT NULL,
  place bigint GENERATED ALWAYS AS IDENTITY,
  lease_expires_at timestamptz NOT NULL,
  PRIMARY KEY (gate, run_id)
);
