import type pg from "pg";
import type { KeyHolder } from "../store-records.js";
import type { Queryable } from "./queryable.js";
import type { KeyHolderRow, NewJobRow } from "./queue-rows.js";
import type { JobInsertRepository } from "./job-insert-repository.js";
import type { QueueRepository } from "./queue-repository.js";
import { withPooledClient } from "./pool-usage.js";

/**
 * Inserts that answer per job, and so cannot share a group commit: keyed jobs (each learns whether
 * a pending job holds its key) and bulk calls (all or nothing, one statement:
 * sql/statements/insert-jobs.sql).
 *
 * insert-jobs reaches a holder committed by another transaction after it began through ON CONFLICT
 * but not through its snapshot, so it may leave a replace's payload unwritten or a holder's max
 * attempts unread; a second statement finishes the job. For a replace that second write must land
 * before any worker can claim the run: without a caller's transaction, the insert then runs in a
 * transaction of its own (the run's row stays locked by ON CONFLICT until it commits, and claims
 * skip locked rows).
 */
export class DirectInserts {
  constructor(
    private readonly inserts: JobInsertRepository,
    private readonly queue: QueueRepository,
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Inserts `rows` (each `(jobName, key)` at most once) in the caller's transaction (`client`) or
   * on the pool, and answers per row its key holder, or `null` when the row was inserted.
   */
  async insert(
    rows: readonly NewJobRow[],
    client: Queryable | null,
  ): Promise<(KeyHolder | null)[]> {
    if (client !== null) return this.#insertIn(client, rows);
    if (!rows.some((row) => row.key != null && row.onDuplicate === "replace"))
      return this.#insertIn(this.pool, rows);
    return withPooledClient(this.pool, async (own) => {
      try {
        await own.query("BEGIN");
        const answer = await this.#insertIn(own, rows);
        await own.query("COMMIT");
        return answer;
      } catch (error) {
        await own.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  async #insertIn(db: Queryable, rows: readonly NewJobRow[]): Promise<(KeyHolder | null)[]> {
    const answer: (KeyHolder | null)[] = rows.map(() => null);
    for (const holder of await this.inserts.insertJobs(db, rows))
      answer[holder.index] = await this.#complete(db, holder, rows[holder.index]!);
    return answer;
  }

  async #complete(db: Queryable, holder: KeyHolderRow, row: NewJobRow): Promise<KeyHolder> {
    let maxAttempts = holder.maxAttempts;
    if (holder.payloadMissed)
      maxAttempts = await this.inserts.replaceJobPayload(
        db,
        holder.jobId,
        row.payload,
        holder.dueTimeMs,
      );
    else if (maxAttempts === null)
      maxAttempts = (await this.queue.getJob(db, holder.jobId))?.maxAttempts ?? null;
    return {
      jobId: holder.jobId,
      runId: holder.runId,
      dueTimeMs: holder.dueTimeMs,
      attempt: holder.attempt,
      maxAttempts: maxAttempts ?? 1,
    };
  }
}
