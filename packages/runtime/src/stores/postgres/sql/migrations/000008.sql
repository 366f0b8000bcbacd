--! description: cluster-wide gates (overlap "skip" and maxConcurrentRuns across processes)
--
-- One row per gate slot held: gate names what is limited ("job:<name>", "schedule:<key>"), slot is
-- 0 .. capacity-1 (1 for overlap "skip", maxConcurrentRuns for "allow-concurrent"). A run takes a
-- free slot before its body starts and deletes it when it ends; the holder's heartbeat extends
-- lease_expires_at, so a dead worker's slot frees itself after one lease. Only gated runs touch
-- this table: plain runtime jobs never do.

CREATE TABLE :"schema".gate_slots (
  gate text NOT NULL,
  slot integer NOT NULL,
  owner text NOT NULL,
  run_id text NOT NULL,
  lease_expires_at timestamptz NOT NULL,
  PRIMARY KEY (gate, slot)
);
CREATE INDEX gate_slots_owner ON :"schema".gate_slots (owner);
