import { Fifo } from "../../core/fifo.js";
import type { JobTable } from "./job-table.js";
import type { MemoryJob } from "./memory-job.js";

/**
 * The memory store's terminal jobs in completion order, at most `limit` of them
 * (`maxRetainedCompletedJobs`): when one more ends, the oldest leaves the job table. A first-in
 * first-out queue, so each completion costs a push and each drop a shift, with no lookup by id.
 *
 * Entries whose job was retried since (`retryJob` gives its id a new record, so the entry's record
 * is no longer in the table) do not count against the limit, and are skipped when they surface.
 */
export class RetainedJobs {
  private readonly log = new Fifo<MemoryJob>();
  /** Entries of {@link log} whose record the table no longer holds (retried since). */
  private superseded = 0;
  limit: number;

  constructor(
    private readonly table: JobTable,
    limit: number,
  ) {
    this.limit = limit;
  }

  /** `job` has just ended: it is retained, and the oldest beyond the limit are forgotten. */
  push(job: MemoryJob): void {
    this.log.push(job);
    while (this.log.length - this.superseded > this.limit) {
      const oldest = this.log.shift()!;
      if (!this.table.holds(oldest)) {
        this.superseded--; // retried since: its id names a newer record, which is not retained here
        continue;
      }
      this.table.forget(oldest);
    }
  }

  /** A retained job was retried: its entry no longer counts. */
  supersede(): void {
    this.superseded++;
  }
}
