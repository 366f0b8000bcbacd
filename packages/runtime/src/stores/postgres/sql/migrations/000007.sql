--! description: runs record when their owner was allowed to start the body, apart from when it started
--
-- A worker asks ahead whether the runs next in line for an execution slot may start (the start is
-- refused once a cancel is recorded, so a cancel that finds a run not allowed yet means its body
-- never starts). start_allowed_at is that answer; started_at stays the instant the body really
-- started, so a run allowed ahead and still waiting for its slot reads as not started. A claim
-- clears both. A nullable column without a default is added without rewriting the table, and it
-- is not indexed, so writing it keeps the update HOT.

ALTER TABLE :"schema".runs ADD COLUMN start_allowed_at timestamptz;
