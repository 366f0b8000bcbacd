import { Fifo } from "../core/fifo.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { RegisteredJob } from "./registered-job.js";
import type { Run } from "./run.js";

/** What the gates do with runs: start them, or end them skipped. */
export interface GateEvents {
  start(run: Run): void;
  skip(run: Run, message: string): void;
  /**
   * Past this process's overlap and group gates: answers whether the run waits for gates held
   * across the cluster (see ClusterGateKeeper.waitFor); it comes back through
   * {@link Gates.passedClusterWait}.
   */
  waitForCluster?(run: Run): boolean;
}

/** The overlap gate of one job name. */
class OverlapGate {
  /** Runs admitted past the overlap gate and not yet finished. */
  active = 0;
  /** Runs waiting for the overlap gate (`overlap: "queue"`, or retries/catch-ups that never skip). */
  readonly waiters = new Fifo<Run>();
  /** Recurring slots among `waiters` (coalesced to one): recurring occurrences and run-time schedules' occurrences. */
  recurringWaiters = 0;
}

/**
 * The gates a run passes, in order: the job's overlap policy, its group, the same two across the
 * cluster when the store is shared and the run would wait for them (phase `"waiting-cluster"`), then
 * a global execution slot. The global slot is taken last, so a run waiting at the overlap or group
 * gate, here or across the cluster, never holds a slot (a queue waiter cannot starve other jobs).
 *
 * Invariants: `active` of a job counts exactly its runs with `holdsOverlap`; a group is `busy`
 * exactly while one run `holdsGroup`; `slotsInUse` counts runs with `holdsSlot`; every waiter
 * list may hold runs that left meanwhile (their phase moved on) — they are skipped when surfaced.
 */
export class Gates {
  private readonly overlapGates = new Map<RegisteredJob, OverlapGate>();
  private readonly groups = new Map<string, { busy: boolean; waiters: Fifo<Run> }>();
  private readonly slotWaiters = new Fifo<Run>();
  private slotsInUse = 0;
  /** Runs waiting for a global slot that are still live. */
  waitingForSlot = 0;

  constructor(
    private readonly maxSlots: number,
    private readonly events: GateEvents,
  ) {}

  get activeSlots(): number {
    return this.slotsInUse;
  }

  /** Runs of `job` admitted past its overlap gate and not finished. */
  activeRunsOf(job: RegisteredJob): number {
    return this.overlapGates.get(job)?.active ?? 0;
  }

  private overlapGateOf(job: RegisteredJob): OverlapGate {
    let gate = this.overlapGates.get(job);
    if (gate === undefined) {
      gate = new OverlapGate();
      this.overlapGates.set(job, gate);
    }
    return gate;
  }

  /**
   * Forgets the overlap gate of `job` when no run holds it or waits at it, and answers whether it
   * did (or had none). For jobs made per schedule (`ScheduleChains`), so their gates do not pile up.
   */
  forgetIfIdle(job: RegisteredJob): boolean {
    const gate = this.overlapGates.get(job);
    if (gate === undefined) return true;
    if (gate.active > 0 || gate.waiters.length > 0) return false;
    this.overlapGates.delete(job);
    return true;
  }

  /** Runs the overlap gate, then the group and slot gates. */
  admit(run: Run): void {
    const job = this.overlapGateOf(run.job);
    const descriptor = run.job.descriptor;
    const obeysOverlap = !run.isRuntimeScheduled || descriptor.overlapExplicit;
    if (obeysOverlap && (job.active > 0 || job.waiters.length > 0)) {
      const overlap = descriptor.overlap;
      if (overlap === "queue") {
        if (run.isRecurringSlot && !run.waitsForOverlap && job.recurringWaiters > 0) {
          this.events.skip(run, OutcomeMessage.coalesced);
          return;
        }
        this.waitForOverlap(run, job);
        return;
      }
      if (overlap === "skip") {
        if (run.waitsForOverlap) this.waitForOverlap(run, job);
        else this.events.skip(run, OutcomeMessage.overlap);
        return;
      }
      const cap = descriptor.maxConcurrentRuns;
      if (cap > 0 && job.active >= cap) {
        if (run.waitsForOverlap) this.waitForOverlap(run, job);
        else this.events.skip(run, OutcomeMessage.maxConcurrency);
        return;
      }
    }
    job.active++;
    run.holdsOverlap = true;
    this.admitToGroup(run);
  }

  /** Gives back what `run` holds and lets the next waiters through. */
  release(run: Run): void {
    if (run.holdsSlot) {
      run.holdsSlot = false;
      this.slotsInUse--;
      this.admitNextToSlot();
    }
    if (run.holdsGroup) {
      run.holdsGroup = false;
      const group = this.groups.get(run.job.descriptor.group!)!;
      group.busy = false;
      this.admitNextToGroup(group);
    }
    if (run.holdsOverlap) {
      run.holdsOverlap = false;
      const job = this.overlapGateOf(run.job);
      job.active--;
      this.admitNextPastOverlap(run, job);
    }
  }

  /**
   * A body the run left behind (it ignored its signal past a timeout or the stop deadline) keeps a
   * global slot until it settles: it still uses the CPU. Taken before the run releases its own, so
   * the slot passes from the run to the body; may exceed the limit while an inline retry runs.
   */
  holdSlotForAbandonedBody(): void {
    this.slotsInUse++;
  }

  /** An abandoned body settled: its slot goes to the next waiter. */
  releaseAbandonedBodySlot(): void {
    this.slotsInUse--;
    this.admitNextToSlot();
  }

  /** Forgets a waiting run (cancelled or shut down); it is skipped lazily when it surfaces. */
  withdraw(run: Run): void {
    if (run.phase === "waiting-slot") this.waitingForSlot--;
    if (run.phase === "waiting-overlap" && run.isRecurringSlot)
      this.overlapGateOf(run.job).recurringWaiters--;
    run.phase = "done";
  }

  private waitForOverlap(run: Run, job: OverlapGate): void {
    run.phase = "waiting-overlap";
    if (run.isRecurringSlot) job.recurringWaiters++;
    job.waiters.push(run);
  }

  private admitToGroup(run: Run): void {
    const name = run.job.descriptor.group;
    if (name !== null) {
      let group = this.groups.get(name);
      if (group === undefined) {
        group = { busy: false, waiters: new Fifo<Run>() };
        this.groups.set(name, group);
      }
      if (group.busy) {
        run.phase = "waiting-group";
        group.waiters.push(run);
        return;
      }
      group.busy = true;
      run.holdsGroup = true;
    }
    this.admitToCluster(run);
  }

  /** Past this process's overlap and group gates: the cluster's (when it waits for them), then a slot. */
  private admitToCluster(run: Run): void {
    if (this.events.waitForCluster?.(run) === true) return;
    this.admitToSlot(run);
  }

  /** A run waiting for the cluster's gates holds them all: on to the execution slot. */
  passedClusterWait(run: Run): void {
    if (run.phase === "waiting-cluster") this.admitToSlot(run);
  }

  private admitToSlot(run: Run): void {
    if (this.slotsInUse >= this.maxSlots) {
      run.phase = "waiting-slot";
      this.waitingForSlot++;
      this.slotWaiters.push(run);
      return;
    }
    this.slotsInUse++;
    run.holdsSlot = true;
    this.events.start(run);
  }

  private admitNextToSlot(): void {
    while (this.slotsInUse < this.maxSlots) {
      const next = this.slotWaiters.shift();
      if (next === undefined) return;
      if (next.phase !== "waiting-slot") continue;
      this.waitingForSlot--;
      this.slotsInUse++;
      next.holdsSlot = true;
      this.events.start(next);
    }
  }

  private admitNextToGroup(group: { busy: boolean; waiters: Fifo<Run> }): void {
    while (!group.busy) {
      const next = group.waiters.shift();
      if (next === undefined) return;
      if (next.phase !== "waiting-group") continue;
      group.busy = true;
      next.holdsGroup = true;
      this.admitToCluster(next);
    }
  }

  private admitNextPastOverlap(finished: Run, job: OverlapGate): void {
    const descriptor = finished.job.descriptor;
    const cap = descriptor.overlap === "allow-concurrent" ? descriptor.maxConcurrentRuns : 1;
    while (cap === 0 || job.active < cap) {
      const next = job.waiters.shift();
      if (next === undefined) return;
      if (next.phase !== "waiting-overlap") continue;
      if (next.isRecurringSlot) job.recurringWaiters--;
      job.active++;
      next.holdsOverlap = true;
      this.admitToGroup(next);
    }
  }
}
