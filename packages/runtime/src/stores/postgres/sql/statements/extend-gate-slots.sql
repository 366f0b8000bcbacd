-- extend-gate-slots: the heartbeat of the gate slots this worker holds.
--
-- Parameters:
--   $1 text     owner: this worker's id
--   $2 integer  lease, ms
--
-- Invariants:
--   - Extends only this owner's slots; a slot already taken over by another owner is not touched.
UPDATE :"schema".gate_slots
SET lease_expires_at = now() + make_interval(secs => $2::integer / 1000.0)
WHERE owner = $1::text;
