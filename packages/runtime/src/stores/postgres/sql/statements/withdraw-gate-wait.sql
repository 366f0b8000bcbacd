-- withdraw-gate-wait: a run stops waiting for a cluster-wide gate (cancelled, shut down, or its
-- process left); the waiters behind it are told to ask again.
--
-- Parameters:
--   $1 text     gate
--   $2 text     the run id that waited
--   $3 text     owner: this worker's id
--   $4 text     the schema's NOTIFY channel (<schema>_wake)
--
-- Invariants:
--   - Only the owner's row is deleted; the notice is sent only when a row was.
WITH gone AS (
  DELETE FROM :"schema".gate_waiters
  WHERE gate = $1::text AND run_id = $2::text AND owner = $3::text
  RETURNING gate
)
SELECT pg_notify($4::text, :'notice_gate_freed' || left(gone.gate, 1000)) FROM gone;
