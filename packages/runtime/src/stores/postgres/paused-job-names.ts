import type { StoreContext } from "./store-context.js";

/**
 * This process's view of the paused job names of the schema (sql/statements/pause-job.sql): read at
 * open, kept current by the `p`/`r` notices of every pause and resume, and read again by every poll
 * in case a notice was missed — so a pause anywhere reaches this process at once, or within one poll
 * interval. The dispatcher asks it (synchronously) before every run start and recurring slot.
 */
export class PausedJobNames {
  #names = new Set<string>();

  has(jobName: string): boolean {
    return this.#names.size !== 0 && this.#names.has(jobName);
  }

  /** A pause or resume this process made or heard of. */
  set(jobName: string, paused: boolean): void {
    if (paused) this.#names.add(jobName);
    else this.#names.delete(jobName);
  }

  /** Reads the paused names again from the database. */
  async refresh(context: StoreContext): Promise<void> {
    this.#names = await context.queue.pausedJobNames(context.pool);
  }
}
