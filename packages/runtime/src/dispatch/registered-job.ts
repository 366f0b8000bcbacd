import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { Recurrence } from "../policy/recurrence.js";
import type { JobDescriptor } from "../registry/job-descriptor.js";
import type { JobInvoker } from "../registry/job-registry.js";
import { Fifo } from "./fifo.js";
import type { Run } from "./run.js";

/**
 * A job name as the dispatcher knows it: descriptor, delegate (absent in an enqueue-only process),
 * resolved resilience policy, recurrence, and its overlap-gate state.
 */
export class RegisteredJob {
  readonly name: string;
  /** Runs admitted past the overlap gate and not yet finished. */
  active = 0;
  /** Runs waiting for the overlap gate (`overlap: "queue"`, or retries/catch-ups that never skip). */
  readonly waiters = new Fifo<Run>();
  /** Recurring occurrences among `waiters` (coalesced to one). */
  recurringWaiters = 0;

  constructor(
    readonly descriptor: JobDescriptor,
    readonly invoke: JobInvoker | null,
    readonly policy: ResiliencePolicy | null,
    readonly recurrence: Recurrence | null,
  ) {
    this.name = descriptor.name;
  }
}
