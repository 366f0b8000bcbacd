import { cancelNoticeSql, newWorkNoticeSql } from "./notifications.js";
import type { SchemaName } from "./schema-name.js";
import { toEpochMs as ms, toTimestamp as ts } from "./sql-time.js";

/**
 * The queue's SQL, rendered once per schema. Only the (validated, quoted) schema name is spliced
 * in; every value is a parameter.
 */
export interface QueueSql {
  readonly insertJobs: string;
  readonly completeAndClaim: string;
  readonly heartbeat: string;
  readonly reclaimExpired: string;
  readonly cancelRun: string;
  readonly cancelJob: string;
  readonly getJob: string;
  readonly queuedRuns: string;
  readonly activeRuns: string;
  readonly recentOutcomes: string;
  readonly nextDueTime: string;
  readonly nextDueTimesByJob: string;
  readonly releaseRuns: string;
  readonly claimOccurrence: string;
  readonly deleteFinishedJobs: string;
  readonly deleteOldOccurrences: string;
  readonly statisticsMissing: string;
  readonly analyzeTables: string;
}

const CLAIMED_COLUMNS = (run: string, job: string): string => `
  ${run}.run_id::text AS run_id, ${run}.job_id::text AS job_id, ${run}.job_name, ${run}.attempt,
  ${job}.max_attempts, ${ms(`${run}.due_time`)} AS due_ms, ${run}.claims, ${job}.payload,
  ${job}.correlation_id, ${job}.resilience, ${job}.resilience_mode, ${ms(`${job}.created_at`)} AS created_ms,
  ${run}.cancel_requested`;

export function renderQueueSql(schema: SchemaName): QueueSql {
  const s = schema.quoted;
  /** $1 json array of jobs, $2 channel. */
  const insertJobs = `
    WITH input AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
        job_id uuid, run_id uuid, job_name text, payload jsonb, due_ms float8, max_attempts integer,
        correlation_id text, resilience jsonb, resilience_mode text, created_ms float8)
    ), jobs AS (
      INSERT INTO ${s}.jobs (job_id, job_name, payload, current_run_id, attempt, max_attempts, correlation_id,
                             resilience, resilience_mode, created_at)
      SELECT job_id, job_name, payload, run_id, 1, max_attempts, correlation_id, resilience, resilience_mode, ${ts("created_ms")}
      FROM input
    ), runs AS (
      INSERT INTO ${s}.runs (run_id, job_id, job_name, attempt, due_time, status)
      SELECT run_id, job_id, job_name, 1, ${ts("due_ms")}, 'queued' FROM input
    )
    SELECT pg_notify($2, ${newWorkNoticeSql("min(due_ms)")}) IS NULL AS notified FROM input`;

  /** A field of this run's entry in a json object keyed by run id (one binary search, no join). */
  const entry = (object: string, field: string, type: string): string => `(${object}::jsonb -> r.run_id::text ->> '${field}')::${type}`;
  const completion = (field: string, type: string): string => entry("$1", field, type);
  /**
   * $1 json object of completions keyed by run id, $2 owner, $3 now (ms), $4 claim limit, $5 lease
   * (ms), $6 channel, $7 json object of runs whose body started keyed by run id (a run must not be
   * in both $1 and $7), $8 and $9 the run ids of $1 and $7.
   * Completes the previous batch and leases the next one in one statement: the steady state of a
   * busy worker is one round trip per batch.
   *
   * Every row is reached through a primary key, whatever the planner's statistics say (none on a
   * fresh table; with them, the planner prices a few hundred cached probes above a sequential scan
   * of a table of tens of thousands of rows):
   * - completions are looked up by key rather than joined: joined as a recordset, the planner
   *   (guessing 100 input rows against few running rows) chose a nested loop that parsed the whole
   *   recordset again for every run, O(batch²);
   * - `= ANY(ARRAY(SELECT ...))` probes the primary key with the ids a CTE produced;
   * - `LATERAL (... OFFSET 0)` keeps the claimed runs' jobs a per-row primary key probe, not a hash
   *   join over a scan of `jobs`.
   */
  const completeAndClaim = `
    WITH done AS (
      UPDATE ${s}.runs r
      SET status = ${completion("status", "text")}, message = ${completion("message", "text")},
          completed_at = ${ts(completion("completed_ms", "float8"))},
          started_at = coalesce(${ts(completion("started_ms", "float8"))}, r.started_at), lease_expires_at = NULL
      WHERE r.run_id = ANY($8::uuid[]) AND r.owner = $2 AND r.status = 'running'
        AND r.claims = ${completion("claims", "integer")}
      RETURNING r.run_id, r.job_id, r.job_name, r.attempt, r.status, r.message, ${completion("completed_ms", "float8")} AS completed_ms,
                ${completion("retry_run_id", "uuid")} AS retry_run_id, ${completion("retry_due_ms", "float8")} AS retry_due_ms
    ), retry_runs AS (
      INSERT INTO ${s}.runs (run_id, job_id, job_name, attempt, due_time, status)
      SELECT d.retry_run_id, d.job_id, d.job_name, d.attempt + 1, ${ts("d.retry_due_ms")}, 'queued'
      FROM done d WHERE d.retry_run_id IS NOT NULL
    ), jobs_done AS (
      UPDATE ${s}.jobs j
      SET current_run_id = coalesce(d.retry_run_id, j.current_run_id),
          attempt = CASE WHEN d.retry_run_id IS NULL THEN j.attempt ELSE d.attempt + 1 END,
          next_attempt_due_time = CASE WHEN d.retry_run_id IS NULL THEN NULL ELSE ${ts("d.retry_due_ms")} END,
          last_error = CASE WHEN d.status = 'failed' THEN d.message ELSE j.last_error END,
          completed_at = CASE WHEN d.retry_run_id IS NULL THEN ${ts("d.completed_ms")} ELSE NULL END
      FROM done d
      WHERE j.job_id = d.job_id AND j.current_run_id = d.run_id
    ), started AS (
      UPDATE ${s}.runs r SET started_at = ${ts(entry("$7", "started_ms", "float8"))}
      WHERE r.run_id = ANY($9::uuid[]) AND r.owner = $2 AND r.status = 'running'
        AND r.claims = ${entry("$7", "claims", "integer")}
    ), candidates AS (
      SELECT run_id FROM ${s}.runs
      WHERE status = 'queued' AND due_time <= ${ts("$3")}
      ORDER BY due_time
      LIMIT $4
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE ${s}.runs r
      SET status = 'running', owner = $2, claims = r.claims + 1, started_at = NULL,
          lease_expires_at = clock_timestamp() + $5::float8 * interval '1 millisecond'
      WHERE r.run_id = ANY(ARRAY(SELECT run_id FROM candidates))
      RETURNING r.*
    )
    SELECT 'claimed' AS kind, ${CLAIMED_COLUMNS("c", "j")}
    FROM claimed c CROSS JOIN LATERAL (SELECT * FROM ${s}.jobs WHERE job_id = c.job_id OFFSET 0) j
    UNION ALL
    SELECT 'done', d.run_id::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM done d
    UNION ALL
    SELECT 'retry', NULL, NULL, NULL, NULL, NULL, min(d.retry_due_ms), NULL, NULL, NULL, NULL, NULL, NULL,
           pg_notify($6, ${newWorkNoticeSql("min(d.retry_due_ms)")}) IS NULL
    FROM done d WHERE d.retry_run_id IS NOT NULL HAVING count(*) > 0
    UNION ALL
    SELECT 'next', NULL, NULL, NULL, NULL, NULL, ${ms("min(due_time)")}, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM ${s}.runs WHERE status = 'queued' AND due_time > ${ts("$3")}`;

  /** $1 run ids, $2 claims (fencing tokens), $3 owner, $4 lease (ms). */
  const heartbeat = `
    UPDATE ${s}.runs r
    SET lease_expires_at = clock_timestamp() + $4::float8 * interval '1 millisecond'
    FROM unnest($1::uuid[], $2::integer[]) AS held(run_id, claims)
    WHERE r.run_id = held.run_id AND r.claims = held.claims AND r.owner = $3 AND r.status = 'running'
    RETURNING r.run_id::text AS run_id, r.cancel_requested`;

  /**
   * $1 now (ms), $2 channel, $3 limit, $4 most lease expiries a run may have. Expired leases go
   * back to the queue (at-least-once). A run whose cancellation was requested ends `cancelled`
   * instead, since its owner is gone; a run whose lease expired for the $4th time ends `failed`
   * (a job that kills its worker must not take the fleet down in a loop), and its job with it,
   * with no further attempts. Only expiries of runs whose body had started count: the runs a lost
   * worker had claimed but not started yet are its innocent neighbours, not the cause.
   */
  const reclaimExpired = `
    WITH expired AS (
      SELECT run_id, CASE WHEN cancel_requested THEN 'cancelled'
                          WHEN started_at IS NOT NULL AND lease_expiries + 1 >= $4::integer THEN 'failed'
                          ELSE 'queued' END AS outcome
      FROM ${s}.runs
      WHERE status = 'running' AND lease_expires_at < clock_timestamp()
      ORDER BY lease_expires_at LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), reclaimed AS (
      UPDATE ${s}.runs r
      SET status = e.outcome,
          message = CASE e.outcome
            WHEN 'cancelled' THEN 'cancelled'
            WHEN 'failed' THEN 'worker lost ' || (r.lease_expiries + 1) || CASE WHEN r.lease_expiries = 0 THEN ' time' ELSE ' times' END
                               || ' while running job ' || r.job_id
                               || ' (lease expired); giving up — raise postgresStore({ maxLeaseExpiries }) or fix the crash'
            END,
          completed_at = CASE WHEN e.outcome = 'queued' THEN NULL ELSE ${ts("$1")} END,
          lease_expiries = CASE WHEN e.outcome = 'cancelled' OR r.started_at IS NULL THEN r.lease_expiries ELSE r.lease_expiries + 1 END,
          owner = NULL, lease_expires_at = NULL
      FROM expired e WHERE r.run_id = e.run_id
      RETURNING r.run_id, r.job_id, r.status, r.message, r.due_time
    ), jobs_ended AS (
      UPDATE ${s}.jobs j
      SET completed_at = ${ts("$1")}, next_attempt_due_time = NULL,
          last_error = CASE WHEN r.status = 'failed' THEN r.message ELSE j.last_error END
      FROM reclaimed r WHERE r.status <> 'queued' AND j.job_id = r.job_id AND j.current_run_id = r.run_id
    )
    SELECT count(*)::integer AS reclaimed,
           count(*) FILTER (WHERE status = 'failed')::integer AS failed,
           CASE WHEN count(*) FILTER (WHERE status = 'queued') > 0
                THEN pg_notify($2, ${newWorkNoticeSql(ms("min(due_time) FILTER (WHERE status = 'queued')"))}) IS NULL END AS notified
    FROM reclaimed`;

  const cancelTarget = (where: string): string => `
    WITH target AS (
      SELECT r.run_id, r.status FROM ${s}.runs r
      WHERE ${where} AND r.status IN ('queued', 'running')
      FOR UPDATE
    ), before_start AS (
      UPDATE ${s}.runs r
      SET status = 'cancelled', message = 'cancelled before execution', completed_at = ${ts("$2")}
      FROM target t WHERE r.run_id = t.run_id AND t.status = 'queued'
      RETURNING r.run_id, r.job_id
    ), jobs_before_start AS (
      UPDATE ${s}.jobs j SET completed_at = ${ts("$2")}, next_attempt_due_time = NULL
      FROM before_start b WHERE j.job_id = b.job_id AND j.current_run_id = b.run_id
    ), active AS (
      UPDATE ${s}.runs r SET cancel_requested = true
      FROM target t WHERE r.run_id = t.run_id AND t.status = 'running'
      RETURNING r.run_id, r.job_id, r.owner
    )
    SELECT 'cancelled-before-start' AS outcome, run_id::text AS run_id, job_id::text AS job_id, NULL AS owner, NULL AS notified
    FROM before_start
    UNION ALL
    SELECT 'abort-active', run_id::text, job_id::text, owner, pg_notify($3, ${cancelNoticeSql("run_id")}) IS NULL
    FROM active`;
  /** $1 run id, $2 now (ms), $3 channel. */
  const cancelRun = cancelTarget("r.run_id = $1");
  /** $1 job id, $2 now (ms), $3 channel. Targets the job's current run only. */
  const cancelJob = cancelTarget(`r.run_id = (SELECT current_run_id FROM ${s}.jobs WHERE job_id = $1)`);

  /** $1 run ids, $2 claims, $3 owner, $4 channel. Gives unstarted leased runs back to the queue. */
  const releaseRuns = `
    WITH released AS (
      UPDATE ${s}.runs r SET status = 'queued', owner = NULL, lease_expires_at = NULL, started_at = NULL
      FROM unnest($1::uuid[], $2::integer[]) AS held(run_id, claims)
      WHERE r.run_id = held.run_id AND r.claims = held.claims AND r.owner = $3 AND r.status = 'running'
      RETURNING r.due_time
    )
    SELECT count(*)::integer AS released,
           CASE WHEN count(*) > 0 THEN pg_notify($4, ${newWorkNoticeSql(ms("min(due_time)"))}) IS NULL END AS notified
    FROM released`;

  /** $1 job id. */
  const getJob = `
    SELECT j.job_id::text AS job_id, j.current_run_id::text AS current_run_id, j.job_name, r.status AS run_status,
           j.attempt, j.max_attempts, ${ms("j.next_attempt_due_time")} AS next_attempt_ms, j.correlation_id,
           j.last_error, j.payload, ${ms("j.created_at")} AS created_ms, ${ms("r.completed_at")} AS completed_ms
    FROM ${s}.jobs j JOIN ${s}.runs r ON r.run_id = j.current_run_id
    WHERE j.job_id = $1`;

  const RUN_COLUMNS = `run_id::text AS run_id, job_id::text AS job_id, job_name, ${ms("due_time")} AS due_ms,
    ${ms("started_at")} AS started_ms, ${ms("completed_at")} AS completed_ms, status, message, owner`;
  /** $1 limit. */
  const queuedRuns = `SELECT ${RUN_COLUMNS} FROM ${s}.runs WHERE status = 'queued' ORDER BY due_time, run_id LIMIT $1`;
  /** $1 limit. */
  const activeRuns = `
    SELECT ${RUN_COLUMNS} FROM ${s}.runs WHERE status = 'running' AND lease_expires_at IS NOT NULL
    ORDER BY started_at, run_id LIMIT $1`;
  /** Latest terminal run per job name, newest first. */
  const recentOutcomes = `
    SELECT * FROM (
      SELECT DISTINCT ON (job_name) ${RUN_COLUMNS} FROM ${s}.runs
      WHERE completed_at IS NOT NULL
      ORDER BY job_name, completed_at DESC
    ) latest
    ORDER BY completed_ms DESC`;
  const nextDueTime = `SELECT ${ms("min(due_time)")} AS due_ms FROM ${s}.runs WHERE status = 'queued'`;
  const nextDueTimesByJob = `
    SELECT job_name, ${ms("min(due_time)")} AS due_ms FROM ${s}.runs WHERE status = 'queued' GROUP BY job_name`;

  /** $1 job name, $2 due (ms), $3 owner. */
  const claimOccurrence = `
    INSERT INTO ${s}.occurrences (job_name, due_time, claimed_by) VALUES ($1, ${ts("$2")}, $3)
    ON CONFLICT DO NOTHING
    RETURNING true AS claimed`;

  /**
   * $1 keep at most this many finished jobs, $2 drop finished jobs completed before (ms), $3 batch.
   * Runs go with their job (ON DELETE CASCADE).
   */
  const deleteFinishedJobs = `
    WITH doomed AS (
      (SELECT job_id FROM ${s}.jobs WHERE completed_at IS NOT NULL ORDER BY completed_at DESC OFFSET $1 LIMIT $3)
      UNION
      (SELECT job_id FROM ${s}.jobs WHERE completed_at < ${ts("$2")} LIMIT $3)
    )
    DELETE FROM ${s}.jobs j USING doomed d WHERE j.job_id = d.job_id`;
  /** $1 drop occurrence claims due before (ms). */
  const deleteOldOccurrences = `DELETE FROM ${s}.occurrences WHERE due_time < ${ts("$1")}`;

  /**
   * Whether `runs` holds a backlog (1,000 rows or more) that PostgreSQL has never gathered
   * statistics on. Until autovacuum first analyses it (a minute or more), the planner guesses a
   * handful of queued runs and sorts the whole backlog on every claim instead of walking
   * `runs_queued_due` in order.
   */
  const statisticsMissing = `
    SELECT coalesce(st.last_analyze, st.last_autoanalyze) IS NULL
           AND EXISTS (SELECT FROM ${s}.runs OFFSET 999) AS missing
    FROM pg_stat_user_tables st WHERE st.relid = '${s}.runs'::regclass`;
  const analyzeTables = `ANALYZE ${s}.runs, ${s}.jobs`;

  return {
    insertJobs,
    completeAndClaim,
    heartbeat,
    reclaimExpired,
    cancelRun,
    cancelJob,
    getJob,
    queuedRuns,
    activeRuns,
    recentOutcomes,
    nextDueTime,
    nextDueTimesByJob,
    releaseRuns,
    claimOccurrence,
    deleteFinishedJobs,
    deleteOldOccurrences,
    statisticsMissing,
    analyzeTables,
  };
}
