-- acquire-gate-slot: takes a free slot of a cluster-wide gate for one run, or answers that the gate
-- is full (another process runs the job) — for a run that skips rather than waits.
--
-- Parameters:
--   $1 text     gate: "job:<name>" or "schedule:<key>"
--   $2 integer  capacity: how many runs may hold the gate at once (1 for overlap "skip")
--   $3 text     owner: this worker's id
--   $4 text     the run id taking the slot
--   $5 integer  lease, ms: the slot is free again this long after the owner's last heartbeat
--
-- Returns one row (slot) when a slot was taken, no row when every slot is held by a live lease or a
-- run waits for the gate (gate_waiters: a deferred retry or catch-up slot goes first, as in one
-- process).
--
-- Invariants:
--   - The primary key (gate, slot) decides: two processes picking the same free slot at once meet
--     there, and the later finds it taken (no row: it counts as full, the conservative answer).
--   - A slot whose lease expired (its owner died) is taken over in place.
INSERT INTO :"schema".gate_slots AS held (gate, slot, owner, run_id, lease_expires_at)
SELECT $1::text, s, $3::text, $4::text, now() + make_interval(secs => $5::integer / 1000.0)
FROM generate_series(0, $2::integer - 1) AS s
WHERE NOT EXISTS (
  SELECT FROM :"schema".gate_slots live
  WHERE live.gate = $1::text AND live.slot = s AND live.lease_expires_at >= now()
)
AND NOT EXISTS (
  SELECT FROM :"schema".gate_waiters waiter
  WHERE waiter.gate = $1::text AND waiter.lease_expires_at >= now()
)
ORDER BY s
LIMIT 1
ON CONFLICT (gate, slot) DO UPDATE
  SET owner = EXCLUDED.owner, run_id = EXCLUDED.run_id, lease_expires_at = EXCLUDED.lease_expires_at
  WHERE held.lease_expires_at < now()
RETURNING slot;
