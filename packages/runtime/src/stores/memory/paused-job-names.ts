import type { MemoryJob } from "./memory-job.js";

/**
 * The memory store's paused job names and the runs they hold back. A pending run of a paused name
 * that reaches the head of the due-time queue is parked here instead of being claimed; resuming the
 * name gives its parked runs back to the queue. Parked runs stay `queued`/`waiting-retry` (they are
 * listed, counted and cancellable as before); removal is lazy, as in the queue: a parked run
 * cancelled meanwhile is dropped when its name resumes.
 */
export class PausedJobNames {
  private readonly names = new Set<string>();
  private readonly parked = new Map<string, MemoryJob[]>();

  get size(): number {
    return this.names.size;
  }

  has(jobName: string): boolean {
    return this.names.has(jobName);
  }

  pause(jobName: string): void {
    this.names.add(jobName);
  }

  /** Resumes `jobName`; returns its parked runs that are still pending, for the queue. */
  resume(jobName: string): MemoryJob[] {
    this.names.delete(jobName);
    const parked = this.parked.get(jobName);
    if (parked === undefined) return [];
    this.parked.delete(jobName);
    return parked.filter((job) => job.isPending);
  }

  /** Holds back a pending run of a paused name (taken off the due-time queue). */
  park(job: MemoryJob): void {
    let parked = this.parked.get(job.jobName);
    if (parked === undefined) {
      parked = [];
      this.parked.set(job.jobName, parked);
    }
    parked.push(job);
  }

  /** Every parked run (possibly no longer pending). */
  *parkedRuns(): IterableIterator<MemoryJob> {
    for (const jobs of this.parked.values()) yield* jobs;
  }

  /** A copy of the paused names. */
  list(): Set<string> {
    return new Set(this.names);
  }

  /** Forgets every parked run (the store closes); the names stay paused. */
  clearParked(): void {
    this.parked.clear();
  }
}
