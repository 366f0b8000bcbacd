import type { ClockTimer } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { JobDescriptor } from "../registry/job-descriptor.js";

/**
 * What the scheduler gives a store at `JobStore.open`, so the store can push work and cancels into
 * the dispatcher (e.g. from PostgreSQL `LISTEN/NOTIFY`) and keep time with the scheduler's clock.
 */
export interface StoreHost {
  /** The scheduler's clock, epoch ms. Stores must use it (not `Date.now()`) for due/claim decisions. */
  now(): number;
  /**
   * Calls `callback` once at `atMs` on the scheduler's clock. Stores arm their own timers (heartbeats,
   * polls) through it, so a test's `ManualClock` drives them like every other wait.
   */
  setTimer(atMs: number, callback: () => void): ClockTimer;
  /** New or due work may exist: the dispatcher claims again soon. Cheap; call freely. */
  wake(): void;
  /**
   * Aborts a run active in this process (a cancel issued elsewhere, e.g. another worker). The run
   * ends `cancelled` with message `"cancelled"`. Unknown run ids are ignored.
   */
  abortRun(runId: string, reason: string): void;
  /**
   * A durable store's periodic sweep: chains of run-time schedules may be stuck (a process died
   * between running a slot and planning the next); the scheduler looks (`JobStore.schedulesToRepair`).
   */
  repairSchedules(): void;
  /** The registered descriptor of a job name, or `undefined` (stores fail such rows). */
  findDescriptor(jobName: string): JobDescriptor | undefined;
  /** `maxRetainedCompletedJobs` of the scheduler: terminal jobs beyond it are dropped, oldest first. */
  readonly maxRetainedCompletedJobs: number;
  readonly logger: Logger;
}
