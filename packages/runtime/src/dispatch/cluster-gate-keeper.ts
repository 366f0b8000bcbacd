import type { Logger } from "../core/logger.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { messageOf } from "../core/error-message.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type {
  ClusterGateRequest,
  ClusterGateTicket,
  ClusterGateAwait,
  JobStore,
} from "../stores/job-store.js";
import type { Run } from "./run.js";

/** What the keeper does with a run once the cluster has answered. */
export interface ClusterGateEvents {
  /** The run holds its cluster gate (or needs none): start it. */
  proceed(run: Run): void;
  /** Another process holds every slot: end the run skipped with `message`. */
  skip(run: Run, message: string): void;
  /** A waiting run holds every cluster gate it waited for: on to the execution slot. */
  passedWait(run: Run): void;
  /** The gate could not be asked (the store failed): give a runtime run back to the queue. */
  giveBack(run: Run): void;
  /** Tracks a store call, so `settle`/`stop` wait for it. */
  track(result: Promise<unknown>): void;
}

/**
 * The cluster-wide part of the overlap and group gates (docs/semantics.md, "Overlap and
 * concurrency"), on a store shared by several processes (`JobStore.acquireGate`/`awaitGate`):
 *
 * - a run that would be skipped by a busy overlap gate — overlap `"skip"`, or `"allow-concurrent"`
 *   with `maxConcurrentRuns` — takes a slot of its job's gate in the store once it passed this
 *   process's gates ({@link admit}), or is skipped;
 * - a run that would wait — overlap `"queue"`, a deferred retry or catch-up slot of a gated job, any
 *   run of a job with a `group` — waits for its job's gate, then its group's (always in that order,
 *   so two processes never hold one each and wait for the other), after this process's overlap and
 *   group gates and before an execution slot ({@link waitFor}): a waiter holds no execution slot.
 *
 * Every slot is freed when the run ends ({@link release}). Plain runtime jobs (no explicit overlap,
 * no group) and `every-node` jobs keep their per-process gates and never ask the store.
 */
export class ClusterGateKeeper {
  /** Slots taken by waiting ({@link waitFor}), by run. */
  private readonly waitedTickets = new Map<Run, ClusterGateTicket[]>();
  /** The gate each waiting run waits for now, to withdraw it. */
  private readonly waiting = new Map<Run, ClusterGateRequest>();

  constructor(
    private readonly store: JobStore,
    private readonly logger: Logger,
    private readonly events: ClusterGateEvents,
  ) {}

  /**
   * Starts `run`'s wait for the cluster gates it must wait for, and answers whether it has any
   * (then it stays in phase `"waiting-cluster"` until {@link ClusterGateEvents.passedWait}, or ends
   * skipped `"coalesced"`).
   */
  waitFor(run: Run): boolean {
    const gates = this.waitGatesOf(run);
    if (gates === null) return false;
    run.phase = "waiting-cluster";
    this.waitNext(run, gates, 0);
    return true;
  }

  private waitNext(run: Run, gates: readonly ClusterGateRequest[], index: number): void {
    const request = gates[index];
    if (request === undefined) {
      this.waiting.delete(run);
      this.events.passedWait(run);
      return;
    }
    this.waiting.set(run, request);
    let wait: ClusterGateAwait;
    try {
      wait = this.store.awaitGate!(request);
    } catch (error) {
      this.waitFailed(run, error);
      return;
    }
    // Not the whole wait (settle() and stop() must not wait for a slot held elsewhere): its first answer.
    this.events.track(wait.asked);
    wait.answer.then(
      (wait) => {
        if (wait !== null && wait !== "coalesced") this.holdWaited(run, wait);
        if (run.phase !== "waiting-cluster" || this.waiting.get(run) !== request) {
          this.release(run); // ended meanwhile: give back what the answer took
          return;
        }
        if (wait === "coalesced") {
          this.waiting.delete(run);
          this.events.skip(run, OutcomeMessage.coalesced);
        } else if (wait === null) this.waitFailed(run, new Error("the store closed"));
        else this.waitNext(run, gates, index + 1);
      },
      (error: unknown) => this.waitFailed(run, error),
    );
  }

  private holdWaited(run: Run, ticket: ClusterGateTicket): void {
    const held = this.waitedTickets.get(run);
    if (held === undefined) this.waitedTickets.set(run, [ticket]);
    else held.push(ticket);
  }

  private waitFailed(run: Run, error: unknown): void {
    this.waiting.delete(run);
    this.failed(run, error);
  }

  /** The gates `run` waits for, job's first, or `null` when it waits for none. */
  private waitGatesOf(run: Run): ClusterGateRequest[] | null {
    if (this.store.awaitGate === undefined) return null;
    const descriptor = run.job.descriptor;
    if (descriptor.placement === "every-node") return null;
    const gates: ClusterGateRequest[] = [];
    if (!run.isRuntimeScheduled || descriptor.overlapExplicit) {
      const gate = jobGateOf(run);
      if (descriptor.overlap === "queue")
        gates.push({
          gate,
          capacity: 1,
          runId: run.runId,
          coalesces: run.isRecurringSlot && !run.waitsForOverlap,
        });
      else if (run.waitsForOverlap && descriptor.overlap === "skip")
        gates.push({ gate, capacity: 1, runId: run.runId });
      else if (
        run.waitsForOverlap &&
        descriptor.overlap === "allow-concurrent" &&
        descriptor.maxConcurrentRuns > 0
      )
        gates.push({ gate, capacity: descriptor.maxConcurrentRuns, runId: run.runId });
    }
    if (descriptor.group !== null)
      gates.push({ gate: `group:${descriptor.group}`, capacity: 1, runId: run.runId });
    return gates.length === 0 ? null : gates;
  }

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

  /** Frees the run's cluster gate slots, and withdraws its wait, if any. */
  release(run: Run): void {
    const request = this.waiting.get(run);
    if (request !== undefined) {
      this.waiting.delete(run);
      const withdrawn = this.store.withdrawGateWait?.(request.gate, request.runId);
      if (withdrawn !== undefined) this.events.track(withdrawn);
    }
    const waited = this.waitedTickets.get(run);
    if (waited !== undefined) {
      this.waitedTickets.delete(run);
      for (const ticket of waited) this.releaseTicket(ticket);
    }
    const ticket = run.clusterGate;
    if (ticket === null) return;
    run.clusterGate = null;
    this.releaseTicket(ticket);
  }

  private releaseTicket(ticket: ClusterGateTicket): void {
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
    return { request: { gate: jobGateOf(run), capacity, runId: run.runId }, busy };
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

/** The gate of `run`'s job: its name, or the key of the run-time schedule it is a slot of. */
function jobGateOf(run: Run): string {
  const scheduleKey = run.claimed?.occurrence?.scheduleKey;
  return scheduleKey === undefined ? `job:${run.jobName}` : `schedule:${scheduleKey}`;
}
