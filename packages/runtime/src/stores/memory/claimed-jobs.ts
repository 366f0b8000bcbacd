import type { MemoryJob } from "./memory-job.js";

/** Log entries below which compaction is not worth its pass. */
const MIN_COMPACT_LENGTH = 1024;

/**
 * The memory store's claimed jobs (status `"running"`): a log with lazy removal instead of a Set.
 * Claiming and ending a run then cost an array push and a counter, where a Set cost a hash insert
 * and delete per run (~5% of CPU in the in-memory throughput profile). Entries whose job is no
 * longer running are dropped when the log is compacted (once mostly dead) or listed.
 */
export class ClaimedJobs {
  private log: MemoryJob[] = [];
  private running = 0;

  /** `job` has just been marked `"running"`. */
  add(job: MemoryJob): void {
    this.log.push(job);
    this.running++;
  }

  /** A job left `"running"` (its status has already changed). */
  left(): void {
    if (--this.running === 0) {
      // Nothing runs: every entry is dead. Dropping them all here spares the filtering pass that
      // would otherwise run about once per claim batch (in-memory throughput).
      this.log.length = 0;
      return;
    }
    if (this.log.length > MIN_COMPACT_LENGTH && this.log.length > 4 * this.running) this.compact();
  }

  /** The running jobs, each once, in claim order. */
  list(): MemoryJob[] {
    this.compact();
    return this.log.slice();
  }

  private compact(): void {
    // A job retried in deferred mode can be logged twice (claimed, waiting-retry, claimed again).
    const seen = new Set<MemoryJob>();
    this.log = this.log.filter(
      (job) => job.status === "running" && !seen.has(job) && seen.add(job) !== undefined,
    );
  }
}
