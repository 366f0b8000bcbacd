-- delete-old-occurrences: retention of recurring-slot claims.
--
-- Parameters:
--   $1 float8  delete claims of slots due before this, epoch ms (now - retention.occurrenceHorizon)
--
-- Returns nothing.
DELETE FROM :"schema".occurrences
WHERE due_time < to_timestamp($1::float8 / 1000);
