import type { QueryResultRow } from "pg";
import { JOB_STATUSES } from "../../state/vocabulary.js";
import type { Queryable } from "./queryable.js";
import type {
  ClaimedRunRow,
  CompleteAndClaimResult,
  JobRow,
  RunCompletionRow,
  RunRow,
  RunStartRow,
} from "./queue-rows.js";
import {
  toClaimedRun,
  toJobRow,
  toRun,
  type CompleteAndClaimResultRow,
  type CountResultRow,
  type JobResultRow,
  type RunResultRow,
} from "./queue-result-rows.js";
import type { JobCounts } from "../../state/job-query.js";
import type { ClaimStarts, JobListing } from "../store-records.js";
import type { SchemaName } from "./schema-name.js";
import { DEFAULT_MAX_LEASE_EXPIRIES } from "./postgres-store-options.js";
import { renderStatements, type Statement, type StatementName } from "./sql/statements.js";
import { isUuid } from "./uuid-text.js";

/** Lease requests of one worker. */
export interface ClaimRequest {
  readonly owner: string;
  readonly nowMs: number;
  /** How many runs to lease at most (0 only completes). */
  readonly limit: number;
  readonly leaseMs: number;
  /** Starts the claim allows itself (complete-and-claim.sql, $10 and $11); none by default. */
  readonly starts?: ClaimStarts;
  /**
   * `false` when retention keeps no finished job: a job that finishes is deleted by the completion
   * itself instead of recorded and deleted by the next retention pass (complete-and-claim.sql, $12).
   * Default `true`.
   */
  readonly keepFinishedJobs?: boolean;
}

/** Retention limits for finished runtime jobs. */
export interface RetentionLimits {
  readonly maxFinishedJobs: number;
  readonly maxAgeMs: number;
  readonly nowMs: number;
  /** Occurrence claims due before this are dropped (keep them longer than any catch-up window). */
  readonly occurrenceHorizonMs: number;
}

/** What one pass over expired leases did. */
export interface ReclaimResult {
  /** Runs whose lease had expired: requeued, cancelled or failed. */
  readonly reclaimed: number;
  /** Of those, runs that reached the lease-expiry bound and ended `failed`. */
  readonly failed: number;
}

const DELETE_BATCH = 5_000;

/**
 * The queue's statements (sql/statements/*.sql) for workers, operations and reads, each one round
 * trip, with typed parameters and rows; inserts are `JobInsertRepository`'s and cancels
 * `CancelRepository`'s. Callers pass the connection (the store's pool or a client).
 *
 * @example
 * ```ts
 * const queue = new QueueRepository(schemaName("elarion"));
 * const { claimed } = await queue.completeAndClaim(pool, [], { owner, nowMs: Date.now(), limit: 8, leaseMs: 30_000 });
 * ```
 */
export class QueueRepository {
  readonly #schema: SchemaName;
  readonly #statements: Readonly<Record<StatementName, Statement>>;

  constructor(schema: SchemaName) {
    this.#schema = schema;
    this.#statements = renderStatements(schema);
  }

  get schema(): SchemaName {
    return this.#schema;
  }

  /**
   * Records the outcomes of `completions` (fenced by run id, owner and lease token) and leases up
   * to `request.limit` due runs, in one statement.
   */
  async completeAndClaim(
    db: Queryable,
    completions: readonly RunCompletionRow[],
    starts: readonly RunStartRow[],
    request: ClaimRequest,
  ): Promise<CompleteAndClaimResult> {
    const byRun: Record<string, object> = {};
    for (const c of completions) {
      byRun[c.runId] = {
        claims: c.claims,
        status: c.status,
        message: c.message,
        started_ms: c.startedAtMs,
        completed_ms: c.completedAtMs,
        retry_run_id: c.retry?.runId ?? null,
        retry_due_ms: c.retry?.dueTimeMs ?? null,
      };
    }
    const startsByRun: Record<string, object> = {};
    for (const st of starts)
      startsByRun[st.runId] = {
        claims: st.claims,
        allowed_ms: st.allowedAtMs,
        started_ms: st.startedAtMs,
      };
    const result = await this.#run<CompleteAndClaimResultRow>(db, "complete-and-claim", [
      JSON.stringify(byRun),
      request.owner,
      request.nowMs,
      request.limit,
      request.leaseMs,
      this.#schema.channel,
      JSON.stringify(startsByRun),
      completions.map((c) => c.runId),
      starts.map((st) => st.runId),
      (request.starts?.atOnce ?? 0) + (request.starts?.ahead ?? 0),
      request.starts?.atOnce ?? 0,
      request.keepFinishedJobs ?? true,
    ]);
    const refused = new Set(result.rows[0]!.refused);
    const claimed: ClaimedRunRow[] = [];
    const startsAllowed = new Set<string>();
    for (const row of result.rows) {
      if (row.run_id === null) continue;
      claimed.push(toClaimedRun(row));
      if (row.start_allowed) startsAllowed.add(row.run_id);
    }
    return {
      completed: new Set(completions.map((c) => c.runId).filter((runId) => !refused.has(runId))),
      startsRefused: new Set(result.rows[0]!.starts_refused),
      claimed,
      startsAllowed,
      nextDueTimeMs: result.rows[0]!.next_due_ms,
    };
  }

  /**
   * Extends the leases this worker still holds. Returns the runs still held, with whether a
   * cancellation was requested for them; a run missing from the answer lost its lease.
   */
  async heartbeat(
    db: Queryable,
    owner: string,
    held: readonly { readonly runId: string; readonly claims: number }[],
    leaseMs: number,
  ): Promise<Map<string, { cancelRequested: boolean }>> {
    const answer = new Map<string, { cancelRequested: boolean }>();
    if (held.length === 0) return answer;
    const result = await this.#run<{ run_id: string; cancel_requested: boolean }>(
      db,
      "extend-leases",
      [held.map((h) => h.runId), held.map((h) => h.claims), owner, leaseMs],
    );
    for (const row of result.rows)
      answer.set(row.run_id, { cancelRequested: row.cancel_requested });
    return answer;
  }

  /** Gives leased runs whose body never started back to the queue (e.g. at shutdown). */
  async releaseRuns(
    db: Queryable,
    owner: string,
    held: readonly { readonly runId: string; readonly claims: number }[],
  ): Promise<number> {
    if (held.length === 0) return 0;
    const result = await this.#run<{ released: number }>(db, "release-runs", [
      held.map((h) => h.runId),
      held.map((h) => h.claims),
      owner,
      this.#schema.channel,
    ]);
    return result.rows[0]?.released ?? 0;
  }

  /**
   * Returns expired leases to the queue (at-least-once), except that a run whose lease expires
   * for the `maxLeaseExpiries`-th time ends `failed`, and its job with it. Returns how many runs it
   * reclaimed, and how many of them it failed.
   */
  async reclaimExpired(
    db: Queryable,
    nowMs: number,
    maxLeaseExpiries = DEFAULT_MAX_LEASE_EXPIRIES,
    limit = 1_000,
  ): Promise<ReclaimResult> {
    const result = await this.#run<{ reclaimed: number; failed: number }>(
      db,
      "reclaim-expired-leases",
      [nowMs, this.#schema.channel, limit, maxLeaseExpiries],
    );
    return { reclaimed: result.rows[0]?.reclaimed ?? 0, failed: result.rows[0]?.failed ?? 0 };
  }

  async getJob(db: Queryable, jobId: string): Promise<JobRow | null> {
    const row = (await this.#run<JobResultRow>(db, "get-job", [jobId])).rows[0];
    return row === undefined ? null : toJobRow(row);
  }

  /**
   * One page of `listJobs`: the statement whose index serves the query (list-jobs-of-correlation,
   * list-jobs-of-name or list-jobs), from the position after `listing.after`.
   */
  async listJobs(db: Queryable, listing: JobListing): Promise<JobRow[]> {
    const position = [
      listing.statuses ?? JOB_STATUSES,
      listing.after?.createdAtMs ?? Number.POSITIVE_INFINITY,
      listing.after?.jobId ?? LAST_UUID,
      listing.limit,
    ];
    const result =
      listing.key !== null
        ? await this.#run<JobResultRow>(db, "list-jobs-of-key", [
            ...position,
            listing.key,
            listing.jobName,
          ])
        : listing.correlationId !== null
          ? await this.#run<JobResultRow>(db, "list-jobs-of-correlation", [
              ...position,
              listing.correlationId,
              listing.jobName,
            ])
          : listing.jobName !== null
            ? await this.#run<JobResultRow>(db, "list-jobs-of-name", [...position, listing.jobName])
            : await this.#run<JobResultRow>(db, "list-jobs", position);
    return result.rows.map(toJobRow);
  }

  /** How many jobs are in each status, of one job name or all. */
  async countJobs(db: Queryable, jobName: string | null): Promise<JobCounts> {
    const result =
      jobName === null
        ? await this.#run<CountResultRow>(db, "count-jobs", [])
        : await this.#run<CountResultRow>(db, "count-jobs-of-name", [jobName]);
    const row = result.rows[0]!;
    return {
      queued: row.queued,
      running: row.running,
      "waiting-retry": row.waiting_retry,
      succeeded: row.succeeded,
      failed: row.failed,
      cancelled: row.cancelled,
      skipped: row.skipped,
    };
  }

  /** Gives a failed or cancelled job a new run (attempt 1); the job's new state, or `null` when it is not one. */
  async retryJob(
    db: Queryable,
    jobId: string,
    newRunId: string,
    dueTimeMs: number,
  ): Promise<JobRow | null> {
    if (!isUuid(jobId)) return null;
    const row = (
      await this.#run<JobResultRow>(db, "retry-job", [
        jobId,
        newRunId,
        dueTimeMs,
        this.#schema.channel,
      ])
    ).rows[0];
    return row === undefined ? null : toJobRow(row);
  }

  /** Pauses a job name for the cluster: records it and holds its queued runs. */
  async pauseJob(db: Queryable, jobName: string): Promise<void> {
    await this.#run(db, "pause-job", [jobName, this.#schema.channel]);
  }

  /**
   * Resumes a job name: forgets the pause, then queues its held runs again, in one transaction of
   * two statements (see sql/statements/resume-job.sql for why two). `client` must be a dedicated
   * connection (not a pool): the transaction spans both.
   */
  async resumeJob(client: Queryable, jobName: string): Promise<void> {
    await client.query("BEGIN");
    try {
      await this.#run(client, "resume-job", [jobName, this.#schema.channel]);
      await this.requeueHeldRuns(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  /** Queues again the held runs of job names no longer paused; returns how many. */
  async requeueHeldRuns(db: Queryable): Promise<number> {
    return (
      (await this.#run<{ requeued: number }>(db, "requeue-held-runs", [this.#schema.channel]))
        .rows[0]?.requeued ?? 0
    );
  }

  /** The paused job names. */
  async pausedJobNames(db: Queryable): Promise<Set<string>> {
    return new Set(
      (await this.#run<{ job_name: string }>(db, "list-paused-jobs", [])).rows.map(
        (row) => row.job_name,
      ),
    );
  }

  async queuedRuns(db: Queryable, limit: number): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "list-queued-runs", [limit])).rows.map(toRun);
  }

  async activeRuns(db: Queryable, limit: number): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "list-active-runs", [limit])).rows.map(toRun);
  }

  /** The latest finished run per job name, newest first. */
  async recentOutcomes(db: Queryable): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "list-recent-outcomes", [])).rows.map(toRun);
  }

  /** Earliest due time of any queued run (due or not), or `null`. */
  async nextDueTime(db: Queryable): Promise<number | null> {
    return (
      (await this.#run<{ due_ms: number | null }>(db, "next-due-time", [])).rows[0]?.due_ms ?? null
    );
  }

  /** Earliest due time of queued runs per job name. */
  async nextDueTimesByJob(db: Queryable): Promise<Map<string, number>> {
    const result = await this.#run<{ job_name: string; due_ms: number }>(
      db,
      "next-due-times-by-job",
      [],
    );
    return new Map(result.rows.map((row) => [row.job_name, row.due_ms]));
  }

  /** Runs queued or waiting for a retry, per job name (names with none are absent). */
  async queuedRunCounts(db: Queryable): Promise<Map<string, number>> {
    const result = await this.#run<{ job_name: string; queued: number }>(
      db,
      "queued-run-counts",
      [],
    );
    return new Map(result.rows.map((row) => [row.job_name, row.queued]));
  }

  /** Claims one recurring slot for this process; `false` when another process already has it. */
  async claimOccurrence(
    db: Queryable,
    jobName: string,
    dueTimeMs: number,
    owner: string,
  ): Promise<boolean> {
    return (await this.#run(db, "claim-occurrence", [jobName, dueTimeMs, owner])).rowCount === 1;
  }

  /** Deletes finished jobs beyond the limits and old occurrence claims. Returns the jobs deleted. */
  async applyRetention(db: Queryable, limits: RetentionLimits): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await this.#run(db, "delete-finished-jobs", [
        limits.maxFinishedJobs,
        limits.nowMs - limits.maxAgeMs,
        DELETE_BATCH,
      ]);
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < DELETE_BATCH) break;
    }
    await this.#run(db, "delete-old-occurrences", [limits.occurrenceHorizonMs]);
    return deleted;
  }

  /**
   * Gathers planner statistics on the queue tables if they hold a backlog and were never analysed
   * (autovacuum does it from then on). Returns whether it analysed.
   */
  async analyzeIfNeverAnalysed(db: Queryable): Promise<boolean> {
    const missing =
      (await this.#run<{ missing: boolean }>(db, "statistics-missing", [])).rows[0]?.missing ===
      true;
    if (missing) await db.query(this.#statements["analyze-tables"].text);
    return missing;
  }

  /** Runs a statement as a named prepared statement: parsed and planned once per connection. */
  #run<R extends QueryResultRow = QueryResultRow>(
    db: Queryable,
    statement: StatementName,
    values: unknown[],
  ) {
    const { name, text } = this.#statements[statement];
    return db.query<R>({ name, text, values });
  }
}

/** The largest uuid: the keyset position before every job, for a first page. */
const LAST_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";
