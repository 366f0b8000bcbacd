-- extend-leases: the heartbeat. Extends the leases this worker still holds and tells it which of
-- those runs another process asked to cancel.
--
-- Parameters:
--   $1 uuid[]     run ids this worker believes it holds
--   $2 integer[]  their lease tokens (claims), index for index with $1
--   $3 text       owner: this worker's id
--   $4 float8     new lease length from now, ms (the database's clock)
--
-- Returns a row per lease still held: run_id text, cancel_requested boolean. A run of $1 missing
-- from the answer lost its lease (it expired and may be running elsewhere).
--
-- Invariants:
--   - Fenced like a completion: only runs still running, owned by $3, under the same token.
--   - cancel_requested is the fallback for a cancel NOTIFY this worker missed.
--   - Lock order: the rows are locked in run_id order before they are written, as
--     complete-and-claim.sql locks the completions and start marks it writes; the heartbeat
--     overlaps the worker's own round trips, and two orders would deadlock.
WITH locked AS (
  SELECT r.run_id FROM :"schema".runs r
  WHERE r.run_id = ANY($1::uuid[])
  ORDER BY r.run_id
  FOR UPDATE
)
UPDATE :"schema".runs r
SET lease_expires_at = clock_timestamp() + $4::float8 * interval '1 millisecond'
FROM unnest($1::uuid[], $2::integer[]) AS held(run_id, claims)
WHERE r.run_id = ANY(ARRAY(SELECT run_id FROM locked))
  AND r.run_id = held.run_id AND r.claims = held.claims AND r.owner = $3::text AND r.status = :'status_running'
RETURNING r.run_id::text AS run_id, r.cancel_requested;
