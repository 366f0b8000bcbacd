-- complete-and-claim: one round trip of a busy worker. Records how its finished runs ended (and
-- queues their retries), records which bodies started, then leases the next due runs. The steady
-- state of a worker is one of these per batch.
--
-- Parameters:
--   $1 jsonb    completions, keyed by run id: {"<run id>": {"claims", "status", "message",
--               "started_ms", "completed_ms", "retry_run_id", "retry_due_ms"}}; a retry (non-null
--               retry_run_id) queues a new run of the same job, attempt + 1, due at retry_due_ms
--   $2 text     owner: this worker's id (runs.owner)
--   $3 float8   now, epoch ms on the scheduler's clock: runs due by then are claimed
--   $4 integer  how many runs to claim at most (0 only completes)
--   $5 float8   lease length, ms (leases run on the database's clock)
--   $6 text     the schema's NOTIFY channel (<schema>_wake)
--   $7 jsonb    start marks, keyed by run id: {"<run id>": {"claims", "allowed_ms", "started_ms"}};
--               allowed_ms asks whether the body may start (see Cancels), started_ms records that it
--               started (either may be null)
--   $8 uuid[]   the run ids of $1
--   $9 uuid[]   the run ids of $7
--   $10 integer how many of the runs claimed now (earliest due first) the worker will start or ask to
--               start at once: the claim allows their start itself (see Cancels); 0 allows none
--   $11 integer how many of those ($11 <= $10) take a free slot at once: their start is also recorded
--               (started_at = $3); the worker records a later start time itself
--   $12 boolean keep finished jobs: true records a finished job's outcome (retention deletes it
--               later); false deletes a job that finishes here, with its runs, in this statement
--               (retention keeps no finished job: retention.maxFinishedJobs 0)
--
-- Returns one row per run leased by this call, in due order, or a single row when none was:
--   refused           text[]   run ids of $1 whose completion was refused (see Fencing); the same
--                              on every row, usually empty
--   starts_refused    text[]   run ids of $7 whose start mark was refused: the start was asked
--                              (allowed_ms) after their cancel was recorded, or the lease no longer
--                              holds; the same on every row
--   retries_notified  boolean  true when retries were queued (and the workers woken), else null;
--                              the same on every row
--   next_due_ms       float8   earliest due time of a queued run after $3, or null; the same on
--                              every row
--   run_id, job_id, job_name, attempt, max_attempts, due_ms, claims (the new lease token),
--   payload, correlation_id, resilience, resilience_mode, created_ms, cancel_requested,
--   occurrence (jsonb: the run-time schedule an occurrence belongs to, else null),
--   start_allowed (true when the claim allowed its start, see $10)
--                              the leased run and its job; all null on the single row when no run
--                              was leased
--
-- Invariants:
--   - Fencing: a completion or start mark is applied only to a run still running, owned by $2,
--     under the lease token (claims) it was leased with. Anything else (the lease expired and the
--     run went to another worker) is ignored, and its run id is returned in `refused`.
--   - A run is never in both $1 and $7 (a completion carries its own start time, null when its
--     body never started).
--   - Cancels (issue 9, defect 5): a cancel of a running run sets cancel_requested under the row
--     lock. A start is allowed (start_allowed_at set) only while cancel_requested is false, so a
--     cancel recorded before it refuses the start (the body never starts: the worker ends the run
--     cancelled before execution), and a cancel recorded after it finds the start allowed (its
--     owner aborts the body, or ends the run before the body if it still waits for a slot). A run
--     whose cancel was requested ends cancelled whatever its body reported, unless it failed for
--     good: a success, or a failure with a retry, becomes cancelled / "cancelled", no further attempt.
--     The claim may allow the start of the runs it leases that start at once ($10): it holds their
--     row locks and sets start_allowed_at in the same write, so a cancel ordered after the claim
--     finds the start allowed (as if asked one round trip later), and one ordered before it left
--     the run cancelled, not queued, so the claim never leases it.
--   - Lock order: the held rows this call writes (completions and start marks) are locked first,
--     in run_id order, as the heartbeat (extend-leases.sql) locks them, so the two never deadlock.
--   - A job moves on (next attempt, or finished) only if the completed run is still its current run.
--   - Keeping no finished job ($12 false) deletes it where it would have been recorded: a job whose
--     current run finishes here goes, then its runs (every attempt). Deleting writes no index entry,
--     where recording the outcome rewrote both rows with new entries in seven indexes (status,
--     completed_at and outcome are indexed, so neither update can be HOT). A run whose job was not
--     deleted (not its current run any more) records its outcome as when finished jobs are kept.
--   - Keys (migration 5): a claimed run holds no key (held_key null), so a run given back to the queue
--     later never collides with the pending job that took the key meanwhile; a retry takes the key
--     through ON CONFLICT DO NOTHING, race-free against producers inserting the same key.
--   - All parts see one snapshot: the runs queued by this call's retries are not claimed by it
--     (the NOTIFY wakes a claim for them), and a run completed here is not claimed again here.
--   - Every row is reached through a primary key, whatever the planner's statistics say (none on
--     a fresh table; with them, the planner prices a few hundred cached probes above a sequential
--     scan of a table of tens of thousands of rows):
--     * completions are looked up in $1 by key rather than joined: joined as a recordset, the
--       planner (guessing 100 input rows against few running rows) chose a nested loop that parsed
--       the whole recordset again for every run, O(batch²);
--     * `= ANY(ARRAY(SELECT ...))` probes the primary key with the ids a CTE produced;
--     * `LATERAL (... OFFSET 0)` keeps the claimed runs' jobs a per-row primary key probe, not a
--       hash join over a scan of `jobs`.
--     * the finished jobs deleted ($12 false) are found by joining `outcomes` (a few hundred rows
--       at most, estimated as one: a nested loop of primary key probes), and `NOT IN` their run
--       ids is a hashed subplan: an `<> ALL(ARRAY(...))` filter compared every pair, O(batch²).
--   - `batch` is evaluated once, however many rows the answer has: a CTE that calls a volatile
--     function (pg_notify) is never inlined.
WITH locked AS (
  -- 0. The held rows written below, locked in run_id order (see Lock order). Locking returns each
  --    row as it is now (a cancel may have committed while this statement waited for the lock).
  SELECT r.run_id, r.job_id, r.owner, r.status, r.claims, r.cancel_requested FROM :"schema".runs r
  WHERE r.run_id = ANY($8::uuid[] || $9::uuid[])
  ORDER BY r.run_id
  FOR UPDATE
), outcomes AS (
  -- 1. The finished runs of the last batch still leased to this worker under their token (see
  --    Fencing), with the outcome each records: cancelled when a cancel was requested meanwhile,
  --    unless it failed for good (see Cancels).
  SELECT l.run_id, l.job_id,
         CASE WHEN o.cancelled THEN :'status_cancelled' ELSE o.status END AS status,
         CASE WHEN o.cancelled THEN :'message_cancelled' ELSE o.message END AS message,
         o.started_ms, o.completed_ms,
         CASE WHEN l.cancel_requested THEN NULL ELSE o.retry_run_id END AS retry_run_id, o.retry_due_ms
  FROM locked l
  CROSS JOIN LATERAL (
    SELECT $1::jsonb -> l.run_id::text ->> 'status' AS status, $1::jsonb -> l.run_id::text ->> 'message' AS message,
           ($1::jsonb -> l.run_id::text ->> 'started_ms')::float8 AS started_ms,
           ($1::jsonb -> l.run_id::text ->> 'completed_ms')::float8 AS completed_ms,
           ($1::jsonb -> l.run_id::text ->> 'retry_run_id')::uuid AS retry_run_id,
           ($1::jsonb -> l.run_id::text ->> 'retry_due_ms')::float8 AS retry_due_ms,
           l.cancel_requested AND ($1::jsonb -> l.run_id::text ->> 'status' = :'status_succeeded'
                                   OR $1::jsonb -> l.run_id::text ->> 'retry_run_id' IS NOT NULL) AS cancelled
  ) o
  WHERE l.run_id = ANY($8::uuid[])
    AND l.owner = $2::text AND l.status = :'status_running'
    AND l.claims = ($1::jsonb -> l.run_id::text ->> 'claims')::integer
), jobs_deleted AS (
  -- 2a. Keeping no finished job ($12 false): a job whose current run finished for good goes...
  DELETE FROM :"schema".jobs j
  USING outcomes o
  WHERE NOT $12::boolean AND o.retry_run_id IS NULL
    AND j.job_id = o.job_id AND j.current_run_id = o.run_id
  RETURNING j.job_id, j.current_run_id
), runs_deleted AS (
  -- 2b. ...with every run of it.
  DELETE FROM :"schema".runs r
  WHERE r.job_id = ANY(ARRAY(SELECT job_id FROM jobs_deleted))
), completed AS (
  -- 3. The other finished runs take their outcome.
  UPDATE :"schema".runs r
  SET status = o.status, message = o.message,
      completed_at = to_timestamp(o.completed_ms / 1000),
      started_at = to_timestamp(o.started_ms / 1000),
      lease_expires_at = NULL
  FROM outcomes o
  WHERE r.run_id = o.run_id
    AND o.run_id NOT IN (SELECT current_run_id FROM jobs_deleted)
  RETURNING r.run_id, r.job_id, r.job_name, r.attempt, r.status, r.message, o.completed_ms,
            o.retry_run_id, o.retry_due_ms
), keyed_retry_runs AS (
  -- 4. A failed run with attempts left is followed by a new queued run of the same job. A keyed
  --    job's retry takes its key back when no other pending job holds it...
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status, held_key)
  SELECT c.retry_run_id, c.job_id, c.job_name, c.attempt + 1, to_timestamp(c.retry_due_ms / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = c.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END,
         j.key
  FROM completed c JOIN :"schema".jobs j ON j.job_id = c.job_id
  WHERE c.retry_run_id IS NOT NULL AND j.key IS NOT NULL AND j.occurrence IS NULL
  ON CONFLICT DO NOTHING
  RETURNING run_id
), retry_runs AS (
  -- ...and waits without it when a newer job took it meanwhile (or has none). Either is held when
  -- its job name is paused (see insert-jobs).
  INSERT INTO :"schema".runs (run_id, job_id, job_name, attempt, due_time, status)
  SELECT c.retry_run_id, c.job_id, c.job_name, c.attempt + 1, to_timestamp(c.retry_due_ms / 1000),
         CASE WHEN EXISTS (SELECT FROM :"schema".paused_jobs p WHERE p.job_name = c.job_name FOR SHARE)
              THEN :'status_held' ELSE :'status_queued' END
  FROM completed c WHERE c.retry_run_id IS NOT NULL AND c.retry_run_id NOT IN (SELECT run_id FROM keyed_retry_runs)
), jobs_moved_on AS (
  -- 5. Their jobs point at the retry run, or are finished (with their outcome: listJobs' key).
  UPDATE :"schema".jobs j
  SET current_run_id = coalesce(c.retry_run_id, j.current_run_id),
      attempt = CASE WHEN c.retry_run_id IS NULL THEN j.attempt ELSE c.attempt + 1 END,
      next_attempt_due_time = CASE WHEN c.retry_run_id IS NULL THEN NULL ELSE to_timestamp(c.retry_due_ms / 1000) END,
      last_error = CASE WHEN c.status = :'status_failed' THEN c.message ELSE j.last_error END,
      completed_at = CASE WHEN c.retry_run_id IS NULL THEN to_timestamp(c.completed_ms / 1000) ELSE NULL END,
      outcome = CASE WHEN c.retry_run_id IS NULL THEN c.status ELSE NULL END
  FROM completed c
  WHERE j.job_id = c.job_id AND j.current_run_id = c.run_id
), started AS (
  -- 6. Start marks: starts allowed, unless a cancel was recorded first (see Cancels), and bodies
  --    started (for snapshots and the lease-expiry count).
  UPDATE :"schema".runs r
  SET start_allowed_at = coalesce(to_timestamp(($7::jsonb -> r.run_id::text ->> 'allowed_ms')::float8 / 1000), r.start_allowed_at),
      started_at = coalesce(to_timestamp(($7::jsonb -> r.run_id::text ->> 'started_ms')::float8 / 1000), r.started_at)
  WHERE r.run_id = ANY(ARRAY(SELECT run_id FROM locked WHERE run_id = ANY($9::uuid[])))
    AND r.owner = $2::text AND r.status = :'status_running'
    AND r.claims = ($7::jsonb -> r.run_id::text ->> 'claims')::integer
    AND (NOT r.cancel_requested OR r.start_allowed_at IS NOT NULL OR $7::jsonb -> r.run_id::text ->> 'allowed_ms' IS NULL)
  RETURNING r.run_id
), candidates AS (
  -- 7. The earliest due queued runs nobody else is claiming right now.
  SELECT run_id, due_time FROM :"schema".runs
  WHERE status = :'status_queued' AND due_time <= to_timestamp($3::float8 / 1000)
  ORDER BY due_time
  LIMIT $4::integer
  FOR UPDATE SKIP LOCKED
), ranked AS (
  -- 7b. Their rank in due order (the order candidates yields them, ties included): the first $10
  --     are allowed to start with the claim, the first $11 of those start at once.
  SELECT run_id, row_number() OVER () AS n FROM candidates
), claimed AS (
  -- 8. Leased to this worker; the new lease token is claims + 1. A claimed run frees its job's key.
  UPDATE :"schema".runs r
  SET status = :'status_running', owner = $2::text, claims = r.claims + 1, held_key = NULL,
      start_allowed_at = CASE WHEN NOT r.cancel_requested AND r.run_id = ANY(ARRAY(SELECT run_id FROM ranked WHERE n <= $10::integer))
                              THEN to_timestamp($3::float8 / 1000) END,
      started_at = CASE WHEN NOT r.cancel_requested AND r.run_id = ANY(ARRAY(SELECT run_id FROM ranked WHERE n <= least($10::integer, $11::integer)))
                        THEN to_timestamp($3::float8 / 1000) END,
      lease_expires_at = clock_timestamp() + $5::float8 * interval '1 millisecond'
  WHERE r.run_id = ANY(ARRAY(SELECT run_id FROM candidates))
  RETURNING r.*
), batch AS (
  -- 9. What the worker learns of the batch besides the runs leased now.
  SELECT
    ARRAY(SELECT id::text FROM unnest($8::uuid[]) AS id WHERE id NOT IN (SELECT run_id FROM outcomes)) AS refused,
    ARRAY(SELECT id::text FROM unnest($9::uuid[]) AS id WHERE id NOT IN (SELECT run_id FROM started)) AS starts_refused,
    (SELECT pg_notify($6::text, :'notice_new_work' || min(c.retry_due_ms)::bigint::text) IS NULL
     FROM completed c WHERE c.retry_run_id IS NOT NULL HAVING count(*) > 0) AS retries_notified,
    (SELECT (extract(epoch from min(due_time)) * 1000)::float8 FROM :"schema".runs
     WHERE status = :'status_queued' AND due_time > to_timestamp($3::float8 / 1000)) AS next_due_ms
)
-- 10. One row per run leased now (with its job's fields), each carrying the batch's facts; with
--    no run leased, the one row of the batch's facts.
SELECT b.refused, b.starts_refused, b.retries_notified, b.next_due_ms,
       c.run_id::text AS run_id, c.job_id::text AS job_id, c.job_name, c.attempt, j.max_attempts,
       (extract(epoch from c.due_time) * 1000)::float8 AS due_ms, c.claims, j.payload,
       j.correlation_id, j.resilience, j.resilience_mode,
       (extract(epoch from j.created_at) * 1000)::float8 AS created_ms, c.cancel_requested, j.trace_context, j.occurrence,
       c.start_allowed_at IS NOT NULL AS start_allowed
FROM batch b
LEFT JOIN (claimed c JOIN ranked k ON k.run_id = c.run_id
           CROSS JOIN LATERAL (SELECT * FROM :"schema".jobs WHERE job_id = c.job_id OFFSET 0) j) ON true
ORDER BY k.n;
