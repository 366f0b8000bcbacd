-- await-gate-slot: asks for a slot of a cluster-wide gate for a run that waits rather than skips
-- (group, overlap "queue", a deferred retry or catch-up slot): takes a free slot when no earlier
-- waiter of the gate is alive, else records (or refreshes) the run as a waiter. The worker asks
-- again when a slot of the gate frees (NOTIFY, see release-gate-slot.sql) and on a fallback timer.
--
-- Parameters:
--   $1 text     gate: "job:<name>", "schedule:<key>" or "group:<name>"
--   $2 integer  capacity: how many runs may hold the gate at once
--   $3 text     owner: this worker's id
--   $4 text     the run id asking
--   $5 integer  lease, ms: of the slot taken, or of the waiter row (refreshed by each ask)
--   $6 boolean  coalesces: a recurring slot under overlap "queue" (at most one such run waits)
--   $7 text     the schema's NOTIFY channel (<schema>_wake)
--
-- Returns one row: slot (integer, null while the run waits) and coalesced (true: another recurring
-- slot already waits for this gate; the run is not recorded and ends skipped "coalesced").
--
-- Invariants:
--   - First asked, first served: a waiter takes a slot only when no live waiter has a smaller place;
--     a run asking for the first time queues behind every live waiter.
--   - Taking a slot deletes the run's waiter row and notifies the channel, so the waiters behind it
--     ask again (a slot may still be free for them).
--   - The primary key (gate, slot) decides a race for a free slot: the later asker finds it taken and
--     waits (its row is written instead).
WITH mine AS (
  SELECT place FROM :"schema".gate_waiters WHERE gate = $1::text AND run_id = $4::text
),
coalesced AS (
  SELECT FROM :"schema".gate_waiters other
  WHERE $6::boolean AND NOT EXISTS (SELECT FROM mine)
    AND other.gate = $1::text AND other.recurring AND other.run_id <> $4::text
    AND other.lease_expires_at >= now()
  LIMIT 1
),
ahead AS (
  SELECT FROM :"schema".gate_waiters other
  WHERE other.gate = $1::text AND other.run_id <> $4::text AND other.lease_expires_at >= now()
    AND (NOT EXISTS (SELECT FROM mine) OR other.place < (SELECT place FROM mine))
  LIMIT 1
),
taken AS (
  INSERT INTO :"schema".gate_slots AS held (gate, slot, owner, run_id, lease_expires_at)
  SELECT $1::text, s, $3::text, $4::text, now() + make_interval(secs => $5::integer / 1000.0)
  FROM generate_series(0, $2::integer - 1) AS s
  WHERE NOT EXISTS (SELECT FROM ahead) AND NOT EXISTS (SELECT FROM coalesced)
    AND NOT EXISTS (
      SELECT FROM :"schema".gate_slots live
      WHERE live.gate = $1::text AND live.slot = s AND live.lease_expires_at >= now()
    )
  ORDER BY s
  LIMIT 1
  ON CONFLICT (gate, slot) DO UPDATE
    SET owner = EXCLUDED.owner, run_id = EXCLUDED.run_id, lease_expires_at = EXCLUDED.lease_expires_at
    WHERE held.lease_expires_at < now()
  RETURNING slot
),
waiting AS (
  INSERT INTO :"schema".gate_waiters (gate, run_id, owner, recurring, lease_expires_at)
  SELECT $1::text, $4::text, $3::text, $6::boolean, now() + make_interval(secs => $5::integer / 1000.0)
  WHERE NOT EXISTS (SELECT FROM taken) AND NOT EXISTS (SELECT FROM coalesced)
  ON CONFLICT (gate, run_id) DO UPDATE
    SET owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at
  RETURNING 1
),
served AS (
  DELETE FROM :"schema".gate_waiters
  WHERE gate = $1::text AND run_id = $4::text AND EXISTS (SELECT FROM taken)
  RETURNING 1
)
SELECT (SELECT slot FROM taken) AS slot,
  EXISTS (SELECT FROM coalesced) AS coalesced,
  CASE WHEN EXISTS (SELECT FROM served)
    THEN pg_notify($7::text, :'notice_gate_freed' || left($1::text, 1000)) END IS NULL AS notified;
