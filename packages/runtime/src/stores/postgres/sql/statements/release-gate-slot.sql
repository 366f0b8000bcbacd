-- release-gate-slot: frees the gate slot a run held, once the run has ended.
--
-- Parameters:
--   $1 text     gate
--   $2 integer  slot
--   $3 text     owner: this worker's id
--   $4 text     the run id that took the slot
--
-- Invariants:
--   - Only the holder frees its slot: a slot taken over after this owner's lease expired stays.
DELETE FROM :"schema".gate_slots
WHERE gate = $1::text AND slot = $2::integer AND owner = $3::text AND run_id = $4::text;
