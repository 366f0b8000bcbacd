import { Fifo } from "../core/fifo.js";
import { isPromise } from "../core/maybe-promise.js";
import type { JobStore, RunTicket } from "../stores/job-store.js";
import type { Run } from "./run.js";

/** What a run's start confirmation answered so far. */
export type StartAnswer = "pending" | "allowed" | "refused";

/**
 * Start confirmations asked ahead: the store's answer to "may this run's body start?"
 * (`JobStore.markStarted`), requested while a claimed runtime run still waits for a global slot,
 * so that when the slot frees the body starts at once instead of after a store round trip.
 *
 * Why: a durable store answers after a round trip (it must see a cancel recorded by another
 * process first). Asked only when a slot is granted, every wave of `maxConcurrentExecutions`
 * bodies waited for one round trip, so throughput was concurrency ÷ round-trip time. Asked ahead
 * for the next {@link window} waiters, the round trips overlap the bodies and carry many start
 * marks each.
 *
 * What stays true: a body starts only after the store allowed its start, and the store refuses a
 * start once a cancel is recorded, so a cancel that finds a run not started means it never starts.
 * A run allowed ahead and cancelled while it still waits ends `cancelled` without its body (the
 * cancel reaches its owner, which aborts it); its recorded start time is then cleared by its
 * completion. Only the first {@link window} slot waiters are asked for, in their slot order, so
 * a run confirmed ahead starts within a few bodies' time.
 */
export class StartConfirmations {
  /** Slot waiters not asked for yet, in slot order; runs that left meanwhile are skipped. */
  private readonly waiting = new Fifo<Run>();
  /** Runs asked for ahead that have neither started nor ended. */
  private ahead = 0;

  constructor(
    private readonly store: JobStore,
    private readonly now: () => number,
    /** How many slot waiters are asked for ahead. */
    readonly window: number,
    private readonly events: {
      /** The answer came while the run holds its slot (`phase === "starting"`). */
      answered(run: Run, allowed: boolean): void;
      /** The start was refused while the run still waits for its slot: the store ended it. */
      refusedWhileWaiting(run: Run): void;
      /** The store call failed while the run holds its slot. */
      failed(run: Run, error: unknown): void;
      /** Tracks a store answer so `settle`/`stop` wait for it. */
      track(answer: Promise<unknown>): void;
    },
  ) {}

  /** How many more slot waiters would be asked for at once (none while earlier waiters are not). */
  get room(): number {
    return this.waiting.length > 0 ? 0 : this.window - this.ahead;
  }

  /** A claimed runtime run now waits for a global slot: ask for its start ahead if the window allows. */
  waitingForSlot(run: Run): void {
    this.waiting.push(run);
    this.fill();
  }

  /**
   * The run got its slot (or left): answers what its early confirmation said, or `null` when none
   * was asked (the caller asks now). Frees its place in the window.
   */
  take(run: Run): StartAnswer | null {
    if (run.startAnswer === null) return null;
    this.leave(run);
    return run.startAnswer;
  }

  /** The run ended before its slot: its place in the window goes to the next waiter. */
  leave(run: Run): void {
    if (!run.confirmedAhead) return;
    run.confirmedAhead = false;
    this.ahead--;
    this.fill();
  }

  private fill(): void {
    while (this.ahead < this.window) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      if (next.phase === "waiting-slot" && next.startAnswer === null) this.ask(next);
    }
  }

  private ask(run: Run): void {
    run.confirmedAhead = true;
    this.ahead++;
    let answer: ReturnType<JobStore["markStarted"]>;
    try {
      answer = this.store.allowStart!(run as RunTicket, this.now());
    } catch {
      this.unknown(run);
      return;
    }
    if (!isPromise(answer)) {
      this.settle(run, answer);
      return;
    }
    run.startAnswer = "pending";
    this.events.track(
      answer.then(
        (allowed) => this.settle(run, allowed),
        (error: unknown) => {
          if (run.phase === "starting") this.events.failed(run, error);
          else this.unknown(run);
        },
      ),
    );
  }

  private settle(run: Run, allowed: boolean): void {
    run.startAnswer = allowed ? "allowed" : "refused";
    if (run.phase === "starting") this.events.answered(run, allowed);
    else if (!allowed && run.phase === "waiting-slot") this.events.refusedWhileWaiting(run);
  }

  /** No answer (the store call failed): the run asks again when it gets its slot. */
  private unknown(run: Run): void {
    run.startAnswer = null;
    this.leave(run);
  }
}
