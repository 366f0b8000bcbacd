import type { Clock } from "../core/clock.js";
import { isPromise } from "../core/maybe-promise.js";
import type { Instrumentation } from "../state/instrumentation.js";
import type { CancelResult, JobStore } from "../stores/job-store.js";
import type { LocalRuns } from "./local-runs.js";
import type { Occurrence, RecurringOccurrences } from "./recurring-occurrences.js";
import type { Run } from "./run.js";
import type { ScheduleChains } from "./schedule-chains.js";

/**
 * `cancelJob` and `cancelRun` (docs/semantics.md, "Cancellation"): a pending recurring slot is
 * dropped here; a recurring run of this process is aborted here; anything else is the store's to
 * decide (a queued runtime run ends `cancelled` at once; a running one is flagged and its owner —
 * this process or another — aborts it).
 */
export class Cancellations {
  constructor(
    private readonly deps: {
      readonly store: JobStore;
      readonly clock: Clock;
      readonly occurrences: RecurringOccurrences;
      readonly chains: ScheduleChains;
      readonly runs: LocalRuns;
      readonly instrumentation: Instrumentation | null;
    },
    private readonly events: {
      /** Aborts (or ends, if not started) a run of this process; `false` if it had ended. */
      abortLocal(run: Run): boolean;
      wake(): void;
    },
  ) {}

  /** Cancels by run id: a pending recurring slot, a recurring run here, or a runtime run in the store. */
  async cancelRun(runId: string): Promise<boolean> {
    const occurrence = this.deps.occurrences.find(runId, "run");
    if (occurrence !== undefined) return this.cancelOccurrence(occurrence);
    const local = this.deps.runs.recurringOfRun(runId);
    if (local !== undefined) return this.events.abortLocal(local);
    const result = this.deps.store.cancelRun(runId, this.deps.clock.now());
    return this.applied(isPromise(result) ? await result : result);
  }

  /** Cancels by job id: the job's pending slot or current run. */
  async cancelJob(jobId: string): Promise<boolean> {
    const occurrence = this.deps.occurrences.find(jobId, "job");
    if (occurrence !== undefined) return this.cancelOccurrence(occurrence);
    const local = this.deps.runs.recurringOfJob(jobId);
    if (local !== undefined) return this.events.abortLocal(local);
    const result = this.deps.store.cancelJob(jobId, this.deps.clock.now());
    return this.applied(isPromise(result) ? await result : result);
  }

  /** A store (e.g. another worker's cancel) asks to abort a run of this process. */
  abortRunById(runId: string): void {
    const run = this.deps.runs.find(runId, null);
    if (run !== undefined) this.events.abortLocal(run);
  }

  private cancelOccurrence(occurrence: Occurrence): boolean {
    this.deps.occurrences.cancel(occurrence, this.deps.clock.now());
    this.events.wake();
    return true;
  }

  /**
   * Acts on the store's answer. A cancelled occurrence of a run-time schedule skips its slot only:
   * its schedule goes on with the next one, planned before the cancel answers (so `listSchedules`
   * right after shows it).
   */
  private async applied(result: CancelResult): Promise<boolean> {
    if (result.outcome === "cancelled-before-start" && result.scheduleKey != null)
      await this.deps.chains.repair(result.scheduleKey);
    switch (result.outcome) {
      case "cancelled-before-start":
        if (result.jobName != null && this.deps.instrumentation !== null) {
          this.deps.instrumentation.pendingRunCancelled({
            jobName: result.jobName,
            jobId: result.jobId ?? "",
            runId: result.runId!,
            traceContext: result.traceContext ?? null,
          });
        }
        return true;
      case "abort-active": {
        const run =
          result.ownedHere && result.runId !== null
            ? this.deps.runs.find(result.runId, result.jobId)
            : undefined;
        if (run !== undefined) this.events.abortLocal(run);
        return true;
      }
      case "not-found":
        return false;
    }
  }
}
