import type { QueryResultRow } from "pg";
import type { Queryable } from "./queryable.js";
import type { KeyHolderRow, NewJobRow } from "./queue-rows.js";
import type { SchemaName } from "./schema-name.js";
import { renderStatements, type Statement, type StatementName } from "./sql/statements.js";

/**
 * The producer's statements: sql/statements/insert-jobs.sql (every enqueue, single or bulk, keyed
 * or not) and replace-job-payload.sql (the second write of a replace that met a holder committed
 * after the insert began). Callers pass the connection: the store's pool, or the caller's client
 * for an enqueue that joins their transaction.
 *
 * @example
 * ```ts
 * const inserts = new JobInsertRepository(schemaName("elarion"));
 * const holders = await inserts.insertJobs(pool, rows); // [] when every row was inserted
 * ```
 */
export class JobInsertRepository {
  readonly #schema: SchemaName;
  readonly #statements: Readonly<Record<StatementName, Statement>>;

  constructor(schema: SchemaName) {
    this.#schema = schema;
    this.#statements = renderStatements(schema);
  }

  /**
   * Inserts jobs with their first runs and notifies listeners, all in the caller's transaction.
   * A keyed job whose key a pending job holds is not inserted: that job is answered (see
   * sql/statements/insert-jobs.sql). The batch carries each (job name, key) at most once.
   */
  async insertJobs(db: Queryable, jobs: readonly NewJobRow[]): Promise<KeyHolderRow[]> {
    if (jobs.length === 0) return [];
    // A column of nulls travels as an empty array (unnest pads it): most jobs have no correlation
    // id, key, occurrence or trace context, and 20,000 nulls are 20,000 elements to encode and parse.
    const column = <T>(read: (job: NewJobRow) => T): T[] => {
      const values = jobs.map(read);
      return values.every((value) => value === null) ? [] : values;
    };
    const result = await this.#run<{ holders: HolderResultRow[] | null }>(db, "insert-jobs", [
      column((job) => job.jobId),
      column((job) => job.runId),
      column((job) => job.jobName),
      column((job) => (job.payload === undefined ? null : JSON.stringify(job.payload))),
      column((job) => job.dueTimeMs),
      column((job) => job.maxAttempts),
      column((job) => job.correlationId),
      column((job) => (job.resilience === null ? null : JSON.stringify(job.resilience))),
      column((job) => job.resilienceMode),
      column((job) => job.createdAtMs),
      column((job) => job.key ?? null),
      column((job) => job.onDuplicate === "replace"),
      column((job) => (job.occurrence == null ? null : JSON.stringify(job.occurrence))),
      column((job) => job.traceContext ?? null),
      this.#schema.channel,
    ]);
    return (result.rows[0]?.holders ?? []).map((row) => ({
      index: row.item - 1,
      jobId: row.job_id,
      runId: row.run_id,
      attempt: row.attempt,
      dueTimeMs: row.due_ms,
      maxAttempts: row.max_attempts,
      payloadMissed: row.payload_missed,
    }));
  }

  /** The payload of a replace that insert-jobs could not write (see {@link KeyHolderRow.payloadMissed}); answers max attempts. */
  async replaceJobPayload(
    db: Queryable,
    jobId: string,
    payload: unknown,
    dueTimeMs: number,
  ): Promise<number | null> {
    const result = await this.#run<{ max_attempts: number }>(db, "replace-job-payload", [
      jobId,
      payload === undefined ? null : JSON.stringify(payload),
      dueTimeMs,
    ]);
    return result.rows[0]?.max_attempts ?? null;
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

/** A holder of insert-jobs.sql's `holders`. */
interface HolderResultRow {
  item: number;
  job_id: string;
  run_id: string;
  attempt: number;
  due_ms: number;
  max_attempts: number | null;
  payload_missed: boolean;
}
