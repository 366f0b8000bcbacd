-- release-gate-slot: frees the gate slot a run held, once the run has ended, and tells the processes
-- waiting for the gate to ask again.
--
-- Parameters:
--   $1 text     gate
--   $2 integer  slot
--   $3 text     owner: this worker's id
--   $4 text     the run id that took the slot
--   $5 text     the schema's NOTIFY channel (<schema>_wake)
--
-- Invariants:
--   - Only the holder frees its slot: a slot taken over after this owner's lease expired stays.
--   - The notice ("g" and the gate's first 1000 characters) is sent only when a slot was freed and
--     a live waiter of the gate exists, so gates nobody waits for cost no notice.
WITH freed AS (
  DELETE FROM :"schema".gate_slots
  WHERE gate = $1::text AND slot = $2::integer AND owner = $3::text AND run_id = $4::text
  RETURNING gate
)
SELECT pg_notify($5::text, :'notice_gate_freed' || left(freed.gate, 1000))
FROM freed
WHERE EXISTS (
  SELECT FROM :"schema".gate_waiters waiter
  WHERE waiter.gate = freed.gate AND waiter.lease_expires_at >= now()
);
