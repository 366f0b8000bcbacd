import type { Run } from "./run.js";

/**
 * The runtime runs of this process between claim and outcome, as an intrusive doubly linked list
 * through {@link Run.previousActive}/{@link Run.nextActive}: adding and removing a run costs a few
 * pointer writes, where a Map keyed by job id cost a hash insert and delete per run (~5% of CPU in
 * the in-memory throughput profile). Finding a run is a scan, which only cancel of an *active* run
 * and a store's cross-process abort do; the list holds at most the claimed runs of this process.
 */
export class ActiveRuntimeRuns {
  private head: Run | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(run: Run): void {
    run.isListedActive = true;
    run.previousActive = null;
    run.nextActive = this.head;
    if (this.head !== null) this.head.previousActive = run;
    this.head = run;
    this.count++;
  }

  /** Removes `run` if it is listed (idempotent). */
  remove(run: Run): void {
    if (!run.isListedActive) return;
    run.isListedActive = false;
    const previous = run.previousActive;
    const next = run.nextActive;
    if (previous === null) this.head = next;
    else previous.nextActive = next;
    if (next !== null) next.previousActive = previous;
    run.previousActive = null;
    run.nextActive = null;
    this.count--;
  }

  /** The listed run with `runId` (and `jobId`, when known). */
  find(runId: string, jobId: string | null | undefined): Run | undefined {
    for (let run = this.head; run !== null; run = run.nextActive) {
      if ((jobId === null || jobId === undefined || run.jobId === jobId) && run.runId === runId)
        return run;
    }
    return undefined;
  }

  /** A copy of the listed runs (callers end runs while iterating). */
  toArray(): Run[] {
    const runs: Run[] = [];
    for (let run = this.head; run !== null; run = run.nextActive) runs.push(run);
    return runs;
  }
}
