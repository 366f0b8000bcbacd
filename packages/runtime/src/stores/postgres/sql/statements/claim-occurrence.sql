-- claim-occurrence: claims one slot of a recurring job (the job name at one due time) for this
-- process, so a slot runs once across every process sharing the schema.
--
-- Parameters:
--   $1 text    the job name
--   $2 float8  the slot's due time, epoch ms
--   $3 text    owner: this worker's id
--
-- Returns one row (claimed: true) when this call took the slot, no row when another process
-- already had it.
--
-- Invariants:
--   - The primary key (job_name, due_time) decides: exactly one INSERT wins per slot.
--   - Claims are kept for retention.occurrenceHorizon (delete-old-occurrences), longer than any
--     catch-up window, so a late process cannot claim a slot again.
INSERT INTO :"schema".occurrences (job_name, due_time, claimed_by)
VALUES ($1::text, to_timestamp($2::float8 / 1000), $3::text)
ON CONFLICT DO NOTHING
RETURNING true AS claimed;
