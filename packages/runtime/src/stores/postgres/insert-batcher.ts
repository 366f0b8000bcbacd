import type { Queryable } from "./queryable.js";
import type { NewJobRow } from "./queue-rows.js";
import type { JobInsertRepository } from "./job-insert-repository.js";

interface PendingInsert {
  readonly row: NewJobRow;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_BATCH = 1_000;

/**
 * Group commit for enqueues that do not join a caller's transaction: calls made while a batch
 * is being written are written together by the next statement, so a burst of `enqueue` costs a
 * few round trips instead of one each. A lone call is written at once (no added latency).
 */
export class InsertBatcher {
  readonly #pending: PendingInsert[] = [];
  #writing = false;

  constructor(
    private readonly inserts: JobInsertRepository,
    private readonly db: Queryable,
    private readonly written: (rows: readonly NewJobRow[]) => void,
    private readonly describeError: (error: unknown) => unknown,
  ) {}

  insert(row: NewJobRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ row, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      const rows = batch.map((pending) => pending.row);
      try {
        await this.inserts.insertJobs(this.db, rows);
      } catch (error) {
        const described = this.describeError(error);
        for (const pending of batch) pending.reject(described);
        continue;
      }
      for (const pending of batch) pending.resolve();
      this.written(rows);
    }
    this.#writing = false;
  }
}
