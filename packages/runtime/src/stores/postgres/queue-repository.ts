import type { QueryResultRow } from "pg";
import type { Queryable } from "./queryable.js";
import { renderQueueSql, type QueueSql } from "./queue-sql.js";
import type {
  CancelRow,
  ClaimedRunRow,
  CompleteAndClaimResult,
  JobRow,
  NewJobRow,
  RunCompletionRow,
  RunRow,
  RunStartRow,
  StoredJobStatus,
} from "./queue-rows.js";
import type { SchemaName } from "./schema-name.js";
import { DEFAULT_MAX_LEASE_EXPIRIES } from "./postgres-store-options.js";

/** Lease requests of one worker. */
export interface ClaimRequest {
  readonly owner: string;
  readonly nowMs: number;
  /** How many runs to lease at most (0 only completes). */
  readonly limit: number;
  readonly leaseMs: number;
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
 * The queue's statements, each one round trip. Callers pass the connection: the store's pool,
 * or the caller's client for an enqueue that joins their transaction.
 *
 * @example
 * ```ts
 * const queue = new QueueRepository(schemaName("elarion"));
 * const { claimed } = await queue.completeAndClaim(pool, [], { owner, nowMs: Date.now(), limit: 8, leaseMs: 30_000 });
 * ```
 */
export class QueueRepository {
  readonly #schema: SchemaName;
  readonly #sql: QueueSql;

  constructor(schema: SchemaName) {
    this.#schema = schema;
    this.#sql = renderQueueSql(schema);
  }

  get schema(): SchemaName {
    return this.#schema;
  }

  /** Inserts jobs with their first runs and notifies listeners, all in the caller's transaction. */
  async insertJobs(db: Queryable, jobs: readonly NewJobRow[]): Promise<void> {
    if (jobs.length === 0) return;
    const input = jobs.map((job) => ({
      job_id: job.jobId,
      run_id: job.runId,
      job_name: job.jobName,
      payload: job.payload === undefined ? null : job.payload,
      due_ms: job.dueTimeMs,
      max_attempts: job.maxAttempts,
      correlation_id: job.correlationId,
      resilience: job.resilience,
      resilience_mode: job.resilienceMode,
      created_ms: job.createdAtMs,
    }));
    await this.#run(db, "insertJobs", [JSON.stringify(input), this.#schema.channel]);
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
    for (const st of starts) startsByRun[st.runId] = { claims: st.claims, started_ms: st.startedAtMs };
    const result = await this.#run<ClaimResultRow>(db, "completeAndClaim", [
      JSON.stringify(byRun),
      request.owner,
      request.nowMs,
      request.limit,
      request.leaseMs,
      this.#schema.channel,
      JSON.stringify(startsByRun),
      completions.map((c) => c.runId),
      starts.map((st) => st.runId),
    ]);
    const completed = new Set<string>();
    const claimed: ClaimedRunRow[] = [];
    let nextDueTimeMs: number | null = null;
    for (const row of result.rows) {
      if (row.kind === "claimed") claimed.push(toClaimedRun(row));
      else if (row.kind === "done") completed.add(row.run_id!);
      else if (row.kind === "next") nextDueTimeMs = row.due_ms;
    }
    claimed.sort((a, b) => a.dueTimeMs - b.dueTimeMs);
    return { completed, claimed, nextDueTimeMs };
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
    const result = await this.#run<{ run_id: string; cancel_requested: boolean }>(db, "heartbeat", [
      held.map((h) => h.runId),
      held.map((h) => h.claims),
      owner,
      leaseMs,
    ]);
    for (const row of result.rows) answer.set(row.run_id, { cancelRequested: row.cancel_requested });
    return answer;
  }

  /** Gives leased runs whose body never started back to the queue (e.g. at shutdown). */
  async releaseRuns(db: Queryable, owner: string, held: readonly { readonly runId: string; readonly claims: number }[]): Promise<number> {
    if (held.length === 0) return 0;
    const result = await this.#run<{ released: number }>(db, "releaseRuns", [
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
  async reclaimExpired(db: Queryable, nowMs: number, maxLeaseExpiries = DEFAULT_MAX_LEASE_EXPIRIES, limit = 1_000): Promise<ReclaimResult> {
    const result = await this.#run<{ reclaimed: number; failed: number }>(db, "reclaimExpired", [
      nowMs,
      this.#schema.channel,
      limit,
      maxLeaseExpiries,
    ]);
    return { reclaimed: result.rows[0]?.reclaimed ?? 0, failed: result.rows[0]?.failed ?? 0 };
  }

  /** Cancels a run: a queued one at once, a running one by flagging it and notifying its owner. */
  async cancelRun(db: Queryable, runId: string, nowMs: number): Promise<CancelRow> {
    return this.#cancel(db, "cancelRun", runId, nowMs);
  }

  /** Cancels the current run of a job (see {@link cancelRun}). */
  async cancelJob(db: Queryable, jobId: string, nowMs: number): Promise<CancelRow> {
    return this.#cancel(db, "cancelJob", jobId, nowMs);
  }

  async getJob(db: Queryable, jobId: string): Promise<JobRow | null> {
    const result = await this.#run<JobResultRow>(db, "getJob", [jobId]);
    const row = result.rows[0];
    if (row === undefined) return null;
    const status: StoredJobStatus = row.run_status === "queued" && row.attempt > 1 ? "waiting-retry" : row.run_status;
    const terminal = status !== "queued" && status !== "running" && status !== "waiting-retry";
    return {
      jobId: row.job_id,
      currentRunId: row.current_run_id,
      jobName: row.job_name,
      status,
      attempt: row.attempt,
      maxAttempts: row.max_attempts,
      nextAttemptDueTimeMs: status === "waiting-retry" ? row.next_attempt_ms : null,
      correlationId: row.correlation_id,
      lastError: row.last_error,
      payload: row.payload,
      createdAtMs: row.created_ms,
      completedAtMs: terminal ? row.completed_ms : null,
    };
  }

  async queuedRuns(db: Queryable, limit: number): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "queuedRuns", [limit])).rows.map(toRun);
  }

  async activeRuns(db: Queryable, limit: number): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "activeRuns", [limit])).rows.map(toRun);
  }

  /** The latest finished run per job name, newest first. */
  async recentOutcomes(db: Queryable): Promise<RunRow[]> {
    return (await this.#run<RunResultRow>(db, "recentOutcomes", [])).rows.map(toRun);
  }

  /** Earliest due time of any queued run (due or not), or `null`. */
  async nextDueTime(db: Queryable): Promise<number | null> {
    return (await this.#run<{ due_ms: number | null }>(db, "nextDueTime", [])).rows[0]?.due_ms ?? null;
  }

  /** Earliest due time of queued runs per job name. */
  async nextDueTimesByJob(db: Queryable): Promise<Map<string, number>> {
    const result = await this.#run<{ job_name: string; due_ms: number }>(db, "nextDueTimesByJob", []);
    return new Map(result.rows.map((row) => [row.job_name, row.due_ms]));
  }

  /** Claims one recurring slot for this process; `false` when another process already has it. */
  async claimOccurrence(db: Queryable, jobName: string, dueTimeMs: number, owner: string): Promise<boolean> {
    return (await this.#run(db, "claimOccurrence", [jobName, dueTimeMs, owner])).rowCount === 1;
  }

  /** Deletes finished jobs beyond the limits and old occurrence claims. Returns the jobs deleted. */
  async applyRetention(db: Queryable, limits: RetentionLimits): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await this.#run(db, "deleteFinishedJobs", [limits.maxFinishedJobs, limits.nowMs - limits.maxAgeMs, DELETE_BATCH]);
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < DELETE_BATCH) break;
    }
    await this.#run(db, "deleteOldOccurrences", [limits.occurrenceHorizonMs]);
    return deleted;
  }

  async #cancel(db: Queryable, statement: "cancelRun" | "cancelJob", id: string, nowMs: number): Promise<CancelRow> {
    if (!UUID_PATTERN.test(id)) return { outcome: "not-found" };
    const result = await this.#run<CancelResultRow>(db, statement, [id, nowMs, this.#schema.channel]);
    const row = result.rows[0];
    if (row === undefined) return { outcome: "not-found" };
    if (row.outcome === "cancelled-before-start") return { outcome: row.outcome, runId: row.run_id, jobId: row.job_id };
    return { outcome: "abort-active", runId: row.run_id, jobId: row.job_id, owner: row.owner };
  }

  /**
   * Gathers planner statistics on the queue tables if they hold a backlog and were never analysed
   * (autovacuum does it from then on). Returns whether it analysed.
   */
  async analyzeIfNeverAnalysed(db: Queryable): Promise<boolean> {
    const missing = (await this.#run<{ missing: boolean }>(db, "statisticsMissing", [])).rows[0]?.missing === true;
    if (missing) await db.query(this.#sql.analyzeTables);
    return missing;
  }

  /** Runs a statement as a named prepared statement: parsed and planned once per connection. */
  #run<R extends QueryResultRow = QueryResultRow>(db: Queryable, statement: keyof QueueSql, values: unknown[]) {
    return db.query<R>({ name: `elarion.${this.#schema.name}.${statement}`, text: this.#sql[statement], values });
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ClaimResultRow {
  kind: "claimed" | "done" | "retry" | "next";
  run_id: string | null;
  job_id: string;
  job_name: string;
  attempt: number;
  max_attempts: number;
  due_ms: number;
  claims: number;
  payload: unknown;
  correlation_id: string | null;
  resilience: ClaimedRunRow["resilience"];
  resilience_mode: ClaimedRunRow["resilienceMode"];
  created_ms: number;
  cancel_requested: boolean;
}

function toClaimedRun(row: ClaimResultRow): ClaimedRunRow {
  return {
    runId: row.run_id!,
    jobId: row.job_id,
    jobName: row.job_name,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    dueTimeMs: row.due_ms,
    claims: row.claims,
    payload: row.payload,
    correlationId: row.correlation_id,
    resilience: row.resilience,
    resilienceMode: row.resilience_mode,
    createdAtMs: row.created_ms,
    cancelRequested: row.cancel_requested,
  };
}

interface JobResultRow {
  job_id: string;
  current_run_id: string;
  job_name: string;
  run_status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";
  attempt: number;
  max_attempts: number;
  next_attempt_ms: number | null;
  correlation_id: string | null;
  last_error: string | null;
  payload: unknown;
  created_ms: number;
  completed_ms: number | null;
}

interface RunResultRow {
  run_id: string;
  job_id: string;
  job_name: string;
  due_ms: number;
  started_ms: number | null;
  completed_ms: number | null;
  status: RunRow["status"];
  message: string | null;
  owner: string | null;
}

function toRun(row: RunResultRow): RunRow {
  return {
    runId: row.run_id,
    jobId: row.job_id,
    jobName: row.job_name,
    dueTimeMs: row.due_ms,
    startedAtMs: row.started_ms,
    completedAtMs: row.completed_ms,
    status: row.status,
    message: row.message,
    owner: row.owner,
  };
}

interface CancelResultRow {
  outcome: "cancelled-before-start" | "abort-active";
  run_id: string;
  job_id: string;
  owner: string | null;
}
