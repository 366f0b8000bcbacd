import type { AbandonedRunInfo } from "../state/run-info.js";
import type { AbandonReason } from "./run-executor.js";
import type { Run } from "./run.js";

/** One body left behind: what `snapshot()` shows, and whether it keeps a global slot. */
export interface AbandonedBody {
  readonly info: AbandonedRunInfo;
  readonly holdsSlot: boolean;
}

/**
 * The bodies this process left behind and that have not settled yet: a per-attempt timeout or the
 * stop deadline passed while they ignored their abort signal. Their runs have ended; the bodies
 * still run (and hold a global slot), so `snapshot().abandonedRuns` shows them until they settle.
 */
export class AbandonedBodies {
  private readonly bodies = new Set<AbandonedBody>();

  get size(): number {
    return this.bodies.size;
  }

  add(run: Run, reason: AbandonReason, nowMs: number, holdsSlot: boolean): AbandonedBody {
    const info: AbandonedRunInfo = {
      runId: run.runId,
      jobId: run.jobId,
      jobName: run.jobName,
      isRuntimeScheduled: run.isRuntimeScheduled,
      startedAt: new Date(run.startedAtMs ?? nowMs),
      abandonedAt: new Date(nowMs),
      reason,
    };
    const body = { info, holdsSlot };
    this.bodies.add(body);
    return body;
  }

  remove(body: AbandonedBody): void {
    this.bodies.delete(body);
  }

  /** Oldest abandonment first. */
  list(): AbandonedRunInfo[] {
    return [...this.bodies].map((body) => ({ ...body.info }));
  }
}
