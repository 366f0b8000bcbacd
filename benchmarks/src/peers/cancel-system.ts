/**
 * One system under the queued-cancels suite: jobs are enqueued with no worker running, so they
 * stay queued, then cancelled. `THandle` is what the system's enqueue hands back and its cancel
 * takes (a job id, or BullMQ's `Job`).
 */
export interface CancelSystem<THandle> {
  readonly name: string;
  /** The settings and the cancel call used, for RESULTS.md. */
  readonly settings: string;
  /** Fresh schema or queue, and a connection (not timed). */
  prepare(): Promise<void>;
  /** Enqueues `count` no-op jobs due now with no worker running (not timed). */
  enqueueQueued(count: number): Promise<readonly THandle[]>;
  /** Cancels one queued job; `true` when the system says it took effect. */
  cancelOne(handle: THandle): Promise<boolean>;
  /** Cancels every given job in one call, where the system has such an API; answers how many took effect. */
  readonly cancelBulk: ((handles: readonly THandle[]) => Promise<number>) | null;
  /** How many of the given jobs are still queued (checks that the cancels really happened; not timed). */
  stillQueued(handles: readonly THandle[]): Promise<number>;
  /** Releases every connection. */
  close(): Promise<void>;
}
