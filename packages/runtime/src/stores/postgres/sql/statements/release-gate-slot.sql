-- release-gate-slot: frees the gate slot a run held, once the run has ended, and tells the processes
-- waiting for the gate to ask again.
--
-- Parameters:
--   $1 text     gate
--   $2 integer  slot
--   $3 text     owner: this worker's id
--   $4 text     the run id that took the slot
--   $5 text     the schema's NOTIFY channel (<schema>_wake)
--   $6 boolean  notify always: the slot was taken by a run that waited (await-gate-slot.sql)
--
-- Invariants:
--   - Only the holder frees its slot: a slot taken over after this owner's lease expired stays.
--   - The notice ("g" and the gate's first 1000 characters) is sent when a slot was freed and either
--     $6 is set or a live waiter of the gate is visible. $6 closes a race: a waiter row committed
--     while this statement ran is not visible to it, yet that waiter saw the slot still held; gates
--     that runs wait for (group, "queue") therefore always notify. A gate taken only by runs that
--     skip notifies only when it sees a waiter (a deferred retry or catch-up slot): the rare waiter
--     that races such a release is woken by its fallback ask instead.
WITH freed AS (
  DELETE FROM :"schema".gate_slots
  WHERE gate = $1::text AND slot = $2::integer AND owner = $3::text AND run_id = $4::text
  RETURNING gate
)
SELECT pg_notify($5::text, :'notice_gate_freed' || left(freed.gate, 1000))
FROM freed
WHERE $6::boolean OR EXISTS (
  SELECT FROM :"schema".gate_waiters waiter
  WHERE waiter.gate = freed.gate AND waiter.lease_expires_at >= now()
);
