import { OutcomeMessage } from "../state/outcome-messages.js";
import { Fifo } from "./fifo.js";
import type { Run } from "./run.js";

/** What the gates do with runs: start them, or end them skipped. */
export interface GateEvents {
  start(run: Run): void;
  skip(run: Run, message: string): void;
}

/**
 * The three gates a run passes, in order: the job's overlap policy, its group, then a global
 * execution slot. The global slot is taken last, so a run waiting at the overlap or group gate never
 * holds a slot (a queue waiter cannot starve other jobs).
 */
export class Gates {
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

  /** Runs the overlap gate, then the group and slot gates. */
  admit(run: Run): void {
    const job = run.job;
    const obeysOverlap = !run.isRuntimeScheduled || job.descriptor.overlapExplicit;
    if (obeysOverlap && (job.active > 0 || job.waiters.length > 0)) {
      const overlap = job.descriptor.overlap;
      if (overlap === "queue") {
        if (!run.isRuntimeScheduled && !run.waitsForOverlap && job.recurringWaiters > 0) {
          this.events.skip(run, OutcomeMessage.coalesced);
          return;
        }
        this.waitForOverlap(run);
        return;
      }
      if (overlap === "skip") {
        if (run.waitsForOverlap) this.waitForOverlap(run);
        else this.events.skip(run, OutcomeMessage.overlap);
        return;
      }
      const cap = job.descriptor.maxConcurrentRuns;
      if (cap > 0 && job.active >= cap) {
        if (run.waitsForOverlap) this.waitForOverlap(run);
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
      const job = run.job;
      job.active--;
      this.admitNextPastOverlap(run);
    }
  }

  /** Forgets a waiting run (cancelled or shut down); it is skipped lazily when it surfaces. */
  withdraw(run: Run): void {
    if (run.phase === "waiting-slot") this.waitingForSlot--;
    if (run.phase === "waiting-overlap" && !run.isRuntimeScheduled) run.job.recurringWaiters--;
    run.phase = "done";
  }

  private waitForOverlap(run: Run): void {
    run.phase = "waiting-overlap";
    if (!run.isRuntimeScheduled) run.job.recurringWaiters++;
    run.job.waiters.push(run);
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
    this.admitToSlot(run);
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
      this.admitToSlot(next);
    }
  }

  private admitNextPastOverlap(finished: Run): void {
    const job = finished.job;
    const cap = job.descriptor.overlap === "allow-concurrent" ? job.descriptor.maxConcurrentRuns : 1;
    while (cap === 0 || job.active < cap) {
      const next = job.waiters.shift();
      if (next === undefined) return;
      if (next.phase !== "waiting-overlap") continue;
      if (!next.isRuntimeScheduled) job.recurringWaiters--;
      job.active++;
      next.holdsOverlap = true;
      this.admitToGroup(next);
    }
  }
}
