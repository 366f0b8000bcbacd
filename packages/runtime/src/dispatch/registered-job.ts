import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { Recurrence } from "../policy/recurrence.js";
import type { JobDescriptor } from "../registry/job-descriptor.js";
import type { JobInvoker } from "../registry/job-registry.js";

/**
 * A job name as the dispatcher knows it: descriptor, delegate (absent in an enqueue-only process),
 * resolved resilience policy and recurrence. Immutable data: what changes while the scheduler runs
 * (how many runs are active, who waits) lives in the component that owns it (`Gates`).
 */
export class RegisteredJob {
  readonly name: string;

  constructor(
    readonly descriptor: JobDescriptor,
    readonly invoke: JobInvoker | null,
    readonly policy: ResiliencePolicy | null,
    readonly recurrence: Recurrence | null,
  ) {
    this.name = descriptor.name;
  }
}
