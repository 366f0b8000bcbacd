import { ActiveRuntimeRuns } from "./active-runtime-runs.js";
import type { Run } from "./run.js";

/**
 * Every run of this process between its claim and its outcome: runtime runs (an intrusive list,
 * see {@link ActiveRuntimeRuns}) and recurring runs (by run id and by job id, for cancels).
 */
export class LocalRuns {
  private readonly runtime = new ActiveRuntimeRuns();
  private readonly recurringByRunId = new Map<string, Run>();
  private readonly recurringByJobId = new Map<string, Run>();

  /** How many runs this process holds. */
  get size(): number {
    return this.runtime.size + this.recurringByRunId.size;
  }

  add(run: Run): void {
    if (run.isRuntimeScheduled) {
      this.runtime.add(run);
      return;
    }
    this.recurringByRunId.set(run.runId, run);
    this.recurringByJobId.set(run.jobId, run);
  }

  /** Forgets `run` (idempotent). */
  remove(run: Run): void {
    if (run.isRuntimeScheduled) {
      this.runtime.remove(run);
      return;
    }
    this.recurringByRunId.delete(run.runId);
    this.recurringByJobId.delete(run.jobId);
  }

  /** The recurring run of this process with `runId`. */
  recurringOfRun(runId: string): Run | undefined {
    return this.recurringByRunId.get(runId);
  }

  /** The recurring run of this process of job `jobId`. */
  recurringOfJob(jobId: string): Run | undefined {
    return this.recurringByJobId.get(jobId);
  }

  /** A runtime run of this process (by run id, and job id when known). */
  runtimeRun(runId: string, jobId: string | null | undefined): Run | undefined {
    return this.runtime.find(runId, jobId);
  }

  /** A run of this process by run id (and job id when known, which avoids a search). */
  find(runId: string, jobId: string | null | undefined): Run | undefined {
    return this.recurringByRunId.get(runId) ?? this.runtime.find(runId, jobId);
  }

  /** The recurring runs of this process. */
  recurring(): IterableIterator<Run> {
    return this.recurringByJobId.values();
  }

  /** A copy of every run (callers end runs while iterating). */
  toArray(): Run[] {
    return [...this.runtime.toArray(), ...this.recurringByRunId.values()];
  }
}
