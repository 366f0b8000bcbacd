import type { Logger } from "../core/logger.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { messageOf } from "../core/error-message.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { ClusterGateRequest, ClusterGateTicket, JobStore } from "../stores/job-store.js";
import type { Run } from "./run.js";

/** What the keeper does with a run once the cluster has answered. */
export interface ClusterGateEvents {
  /** The run holds its cluster gate (or needs none): start it. */
  proceed(run: Run): void;
  /** Another process holds every slot: end the run skipped with `message`. */
  skip(run: Run, message: string): void;
  /** The gate could not be asked (the store failed): give a runtime run back to the queue. */
  giveBack(run: Run): void;
  /** Tracks a store call, so `settle`/`stop` wait for it. */
  track(result: Promise<unknown>): void;
}

/**
 * The cluster-wide part of the overlap gate (docs/semantics.md, "Overlap and concurrency"): on a
 * store shared by several processes (`JobStore.acquireGate`), a run that passed this process's
 * gates and would be skipped by a busy overlap gate — overlap `"skip"`, or `"allow-concurrent"`
 * with `maxConcurrentRuns` — also takes a slot of the job's gate in the store before its body
 * starts, and frees it when it ends. Plain runtime jobs (no explicit overlap), `every-node` jobs and
 * runs that wait rather than skip (deferred retries, catch-up slots, `overlap: "queue"`, groups)
 * keep their per-process gates and never ask the store.
 */
export class ClusterGateKeeper {
  constructor(
    private readonly store: JobStore,
    private readonly logger: Logger,
    private readonly events: ClusterGateEvents,
  ) {}

  /** Starts `run` through its cluster gate, or at once when it needs none. */
  admit(run: Run): void {
    const gate = this.gateOf(run);
    if (gate === null) {
      this.events.proceed(run);
      return;
    }
    run.phase = "starting"; // a cancel or shutdown meanwhile is decided when the answer comes
    let answer: MaybePromise<ClusterGateTicket | null>;
    try {
      answer = this.store.acquireGate!(gate.request);
    } catch (error) {
      this.failed(run, error);
      return;
    }
    if (!isPromise(answer)) {
      this.answered(run, answer, gate.busy);
      return;
    }
    this.events.track(
      answer.then(
        (ticket) => this.answered(run, ticket, gate.busy),
        (error: unknown) => this.failed(run, error),
      ),
    );
  }

  /** Frees the run's cluster gate slot, if it holds one. */
  release(run: Run): void {
    const ticket = run.clusterGate;
    if (ticket === null) return;
    run.clusterGate = null;
    const released = this.store.releaseGate?.(ticket);
    if (isPromise(released)) {
      this.events.track(
        released.catch((error: unknown) =>
          this.logger.warn(
            "could not free a cluster gate slot; it frees itself when its lease expires",
            { gate: ticket.gate, error: messageOf(error) },
          ),
        ),
      );
    }
  }

  private gateOf(run: Run): { request: ClusterGateRequest; busy: string } | null {
    if (this.store.acquireGate === undefined || run.waitsForOverlap) return null;
    const descriptor = run.job.descriptor;
    if (
      descriptor.placement === "every-node" ||
      (run.isRuntimeScheduled && !descriptor.overlapExplicit)
    )
      return null;
    let capacity: number;
    let busy: string;
    if (descriptor.overlap === "skip") {
      capacity = 1;
      busy = OutcomeMessage.overlap;
    } else if (descriptor.overlap === "allow-concurrent" && descriptor.maxConcurrentRuns > 0) {
      capacity = descriptor.maxConcurrentRuns;
      busy = OutcomeMessage.maxConcurrency;
    } else {
      return null;
    }
    const scheduleKey = run.claimed?.occurrence?.scheduleKey;
    const gate = scheduleKey === undefined ? `job:${run.jobName}` : `schedule:${scheduleKey}`;
    return { request: { gate, capacity, runId: run.runId }, busy };
  }

  private answered(run: Run, ticket: ClusterGateTicket | null, busy: string): void {
    if (ticket !== null) run.clusterGate = ticket;
    if (run.phase === "done") {
      this.release(run);
      return;
    }
    if (ticket === null) this.events.skip(run, busy);
    else this.events.proceed(run);
  }

  private failed(run: Run, error: unknown): void {
    this.logger.warn(`could not take the cluster-wide gate of job "${run.jobName}"`, {
      runId: run.runId,
      error: messageOf(error),
    });
    if (run.phase === "done") return;
    if (run.isRuntimeScheduled) this.events.giveBack(run);
    else this.events.skip(run, OutcomeMessage.claimedElsewhere); // fail closed, like a failed slot claim
  }
}
