import type { QueryResultRow } from "pg";
import type { Queryable } from "./queryable.js";
import type { CancelRow } from "./queue-rows.js";
import type { SchemaName } from "./schema-name.js";
import { isUuid } from "./uuid-text.js";
import { renderStatements, type Statement, type StatementName } from "./sql/statements.js";

/**
 * The cancel statements (sql/statements/cancel-run.sql, cancel-job.sql), one round trip each, with
 * typed rows.
 *
 * @example
 * ```ts
 * const cancels = new CancelRepository(schemaName("elarion"));
 * const row = await cancels.cancelJob(pool, jobId, Date.now()); // { outcome: "cancelled-before-start", ... }
 * ```
 */
export class CancelRepository {
  readonly #schema: SchemaName;
  readonly #statements: Readonly<Record<StatementName, Statement>>;

  constructor(schema: SchemaName) {
    this.#schema = schema;
    this.#statements = renderStatements(schema);
  }

  /** Cancels a run: a queued one at once, a running one by flagging it and notifying its owner. */
  async cancelRun(db: Queryable, runId: string, nowMs: number): Promise<CancelRow> {
    return this.#cancel(db, "cancel-run", runId, nowMs);
  }

  /** Cancels the current run of a job (see {@link cancelRun}). */
  async cancelJob(db: Queryable, jobId: string, nowMs: number): Promise<CancelRow> {
    return this.#cancel(db, "cancel-job", jobId, nowMs);
  }

  /**
   * Cancels several jobs and runs in one statement (sql/statements/cancel-many.sql), answering per
   * item, in item order, what {@link cancelJob} or {@link cancelRun} alone would have answered had
   * the items run one after another.
   */
  async cancelMany(
    db: Queryable,
    items: readonly CancelTarget[],
    nowMs: number,
  ): Promise<CancelRow[]> {
    const answers: CancelRow[] = items.map(() => NOT_FOUND);
    // An id that is no uuid names nothing; sent, it would fail the whole statement's cast.
    const sent = items.flatMap((item, index) => (isUuid(item.id) ? [{ item, index }] : []));
    if (sent.length === 0) return answers;
    const result = await this.#run<CancelResultRow & { item: number }>(db, "cancel-many", [
      sent.map(({ item }) => item.id),
      sent.map(({ item }) => item.target === "job"),
      nowMs,
      this.#schema.channel,
    ]);
    for (const row of result.rows) answers[sent[row.item - 1]!.index] = toCancelRow(row);
    return answers;
  }

  async #cancel(
    db: Queryable,
    statement: "cancel-run" | "cancel-job",
    id: string,
    nowMs: number,
  ): Promise<CancelRow> {
    if (!isUuid(id)) return { outcome: "not-found" };
    const result = await this.#run<CancelResultRow>(db, statement, [
      id,
      nowMs,
      this.#schema.channel,
    ]);
    const row = result.rows[0];
    return row === undefined ? { outcome: "not-found" } : toCancelRow(row);
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

/** One cancel of a group: a job (its current run) or a run, by id. */
export interface CancelTarget {
  readonly target: "job" | "run";
  readonly id: string;
}

const NOT_FOUND: CancelRow = { outcome: "not-found" };

function toCancelRow(row: CancelResultRow): CancelRow {
  const job = {
    jobName: row.job_name,
    traceContext: row.trace_context,
    scheduleKey: row.schedule_key,
  };
  if (!row.was_running)
    return { outcome: "cancelled-before-start", runId: row.run_id, jobId: row.job_id, ...job };
  return {
    outcome: "abort-active",
    runId: row.run_id,
    jobId: row.job_id,
    owner: row.owner,
    ...job,
  };
}

interface CancelResultRow {
  run_id: string;
  job_id: string;
  was_running: boolean;
  schedule_key: string | null;
  owner: string | null;
  job_name: string;
  trace_context: string | null;
  notified: boolean | null;
}
