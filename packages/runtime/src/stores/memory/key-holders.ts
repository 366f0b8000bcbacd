import type { MemoryJob } from "./memory-job.js";

/**
 * The memory store's enqueue-once keys: per job name and key, the pending job that holds it.
 * Invariant: an entry exists exactly while its job is pending (its claim, cancel or deletion
 * removes the entry), so the map never keeps a finished job alive.
 */
export class KeyHolders {
  private readonly byJobName = new Map<string, Map<string, MemoryJob>>();

  /** The pending job holding `key` for `jobName`, or `undefined`. */
  holder(jobName: string, key: string): MemoryJob | undefined {
    return this.byJobName.get(jobName)?.get(key);
  }

  /** A keyed job becomes pending: it takes its key unless another job holds it; answers whether it did. */
  take(job: MemoryJob): boolean {
    const key = job.key!;
    let holders = this.byJobName.get(job.jobName);
    if (holders === undefined) {
      holders = new Map();
      this.byJobName.set(job.jobName, holders);
    }
    const current = holders.get(key);
    if (current !== undefined && current !== job) return false;
    holders.set(key, job);
    return true;
  }

  /** `copy` holds the key `job` held (a pending job moved to another payload and due time). */
  handOver(job: MemoryJob, copy: MemoryJob): void {
    const holders = this.byJobName.get(job.jobName);
    if (holders?.get(job.key!) === job) holders.set(job.key!, copy);
  }

  /** A keyed job leaves pending: if it held its key, the key is free. */
  release(job: MemoryJob): void {
    const holders = this.byJobName.get(job.jobName);
    if (holders?.get(job.key!) === job) {
      holders.delete(job.key!);
      if (holders.size === 0) this.byJobName.delete(job.jobName);
    }
  }
}
