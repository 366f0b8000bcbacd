import { DueTimeQueue } from "../../core/due-time-queue.js";
import { Fifo } from "../../core/fifo.js";
import type { MemoryJob } from "./memory-job.js";

/**
 * Pending runs of the memory store, earliest due time first (then insertion order). Runs whose
 * due times arrive in non-decreasing order — every `enqueue`, most `schedule` calls — go to a FIFO
 * lane in O(1); only out-of-order due times pay for the heap. Removal is lazy: callers skip runs
 * that are no longer pending.
 */
export class PendingRuns {
  private readonly lane = new Fifo<MemoryJob>();
  private laneLastDueMs = -Infinity;
  private readonly heap = new DueTimeQueue<MemoryJob>();
  private nextSequence = 0;

  push(job: MemoryJob): void {
    job.sequence = this.nextSequence++;
    if (job.dueTimeMs >= this.laneLastDueMs) {
      this.laneLastDueMs = job.dueTimeMs;
      this.lane.push(job);
    } else {
      this.heap.push(job);
    }
  }

  /** The earliest entry (possibly no longer pending). */
  peek(): MemoryJob | undefined {
    const fromLane = this.lane.peek();
    const fromHeap = this.heap.peek();
    if (fromLane === undefined) return fromHeap;
    if (fromHeap === undefined) return fromLane;
    return fromHeap.dueTimeMs < fromLane.dueTimeMs ||
      (fromHeap.dueTimeMs === fromLane.dueTimeMs && fromHeap.sequence < fromLane.sequence)
      ? fromHeap
      : fromLane;
  }

  /** Removes the entry {@link peek} returned. */
  pop(): MemoryJob | undefined {
    const top = this.peek();
    if (top === undefined) return undefined;
    if (top === this.lane.peek()) {
      this.lane.shift();
      if (this.lane.length === 0) this.laneLastDueMs = -Infinity;
    } else {
      this.heap.pop();
    }
    return top;
  }

  /**
   * Offers the entries to `visit`: first those in due order (the lane), stopping them as soon as
   * `visit` returns `false`, then the rest in no particular order (the heap), each visited.
   */
  visit(visit: (job: MemoryJob, inDueOrder: boolean) => boolean): void {
    this.lane.every((job) => visit(job, true));
    for (const job of this.heap.entries()) visit(job, false);
  }

  *entries(): IterableIterator<MemoryJob> {
    yield* this.lane;
    yield* this.heap.entries();
  }

  clear(): void {
    this.lane.clear();
    this.heap.clear();
    this.laneLastDueMs = -Infinity;
  }
}
