import { OutcomeMessage } from "../../state/vocabulary.js";
import type { StoreHost } from "../store-host.js";
import type { CancelResult } from "../store-records.js";
import type { LeaseBatcher } from "./lease-batcher.js";
import type { CancelRow } from "./queue-rows.js";
import type { CancelBatcher } from "./cancel-batcher.js";

/**
 * Cancels, in both directions: this process cancelling a run or job (wherever it runs:
 * sql/statements/cancel-run.sql, cancel-job.sql), and a cancel issued elsewhere reaching a run
 * this process holds (its NOTIFY, or the heartbeat's `cancel_requested` when the notice was missed).
 */
export class Cancels {
  readonly #inFlight = new Set<Promise<CancelResult>>();

  constructor(
    /** Runs the cancel statements, grouping concurrent calls into one commit. */
    private readonly statements: CancelBatcher,
    private readonly workerId: string,
    /** This process's leases while the store is open, else `null`. */
    private readonly leases: () => LeaseBatcher | null,
  ) {}

  cancelJob(jobId: string, atMs: number): Promise<CancelResult> {
    return this.#track(async () =>
      this.#result(await this.statements.cancelJob(jobId, atMs), atMs),
    );
  }

  cancelRun(runId: string, atMs: number): Promise<CancelResult> {
    return this.#track(async () =>
      this.#result(await this.statements.cancelRun(runId, atMs), atMs),
    );
  }

  /**
   * Cancels of this process still in flight, or `null`: freshly leased runs are handed out after
   * them, so a cancel that raced the claim finds its run not yet started and ends it before execution.
   */
  inFlight(): Promise<unknown> | null {
    return this.#inFlight.size === 0 ? null : Promise.allSettled([...this.#inFlight]);
  }

  /** A cancel issued elsewhere for a run this process may hold: end it if never handed out, else abort its body. */
  requested(runId: string, host: StoreHost): void {
    const leases = this.leases();
    if (leases === null || !leases.holds(runId)) return;
    if (leases.isPrefetched(runId)) {
      // Never handed out: if it was a schedule's occurrence, nothing planned its next slot yet.
      void leases
        .completePrefetched(runId, {
          status: "cancelled",
          message: OutcomeMessage.cancelled,
          startedAtMs: null,
          completedAtMs: host.now(),
        })
        .then((ended) => {
          if (ended) host.repairSchedules();
        });
      return;
    }
    host.abortRun(runId, OutcomeMessage.cancelled);
  }

  #track(cancel: () => Promise<CancelResult>): Promise<CancelResult> {
    const work = cancel();
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async #result(row: CancelRow, atMs: number): Promise<CancelResult> {
    if (row.outcome === "not-found") return { outcome: "not-found", runId: null, ownedHere: false };
    const job = {
      jobId: row.jobId,
      jobName: row.jobName,
      traceContext: row.traceContext,
      ...(row.scheduleKey === null ? {} : { scheduleKey: row.scheduleKey }),
    };
    if (row.outcome === "cancelled-before-start")
      return { outcome: row.outcome, runId: row.runId, ownedHere: false, ...job };
    const leases = this.leases();
    // Leased to this process by a claim whose answer has not been read yet: read it first.
    if (row.owner === this.workerId && leases !== null && !leases.holds(row.runId))
      await leases.claimsAnswered();
    const ownedHere = row.owner === this.workerId && leases !== null && leases.holds(row.runId);
    if (ownedHere && leases.isPrefetched(row.runId)) {
      // Leased by this process but never handed to the dispatcher: it simply never starts.
      const ended = await leases.completePrefetched(row.runId, {
        status: "cancelled",
        message: OutcomeMessage.cancelledBeforeExecution,
        startedAtMs: null,
        completedAtMs: atMs,
      });
      if (ended)
        return { outcome: "cancelled-before-start", runId: row.runId, ownedHere: false, ...job };
    }
    // Its body already ended here (a start the claim allowed runs at once): the cancel answers once
    // that outcome is written — as cancelled, since the cancel is recorded — not while it is in flight.
    const ending = ownedHere ? leases.completionAnswer(row.runId) : null;
    if (ending !== null) await ending;
    return { outcome: "abort-active", runId: row.runId, ownedHere };
  }
}
