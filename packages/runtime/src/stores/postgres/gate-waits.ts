import type { ClockTimer } from "../../core/clock.js";
import { messageOf } from "../../core/error-message.js";
import type { ClusterGateAwait, ClusterGateRequest, ClusterGateWait } from "../cluster-gates.js";
import type { StoreHost } from "../store-host.js";
import type { GateSlots } from "./gate-slots.js";
import { GATE_NOTICE_LENGTH } from "./notifications.js";

const DONE: Promise<void> = Promise.resolve();

/** One run of this process waiting for a slot of a cluster-wide gate. */
class GateWaiter {
  /** The ask in flight (settles once its answer, and any ask again it led to, is handled), or `null`. */
  asking: Promise<void> | null = null;
  /** A reason to ask again came while asking (a notice, the fallback timer). */
  askAgain = false;
  /** It may have a row in `gate_waiters` (it asked at least once). */
  recorded = false;
  /** Withdrawn or answered: nothing more to ask. */
  settled = false;

  constructor(
    readonly request: ClusterGateRequest,
    readonly resolve: (answer: ClusterGateWait) => void,
  ) {}
}

/**
 * The runs of this process waiting for a cluster-wide gate (sql/statements/await-gate-slot.sql):
 * each asks once, then again only when told a slot of its gate freed (a `g` notice, sent by
 * release-gate-slot.sql and withdraw-gate-wait.sql) and on one fallback timer every `recheckMs`
 * — for a lost notice, a holder that died (its slot's lease expired) or a failed query. The
 * fallback ask also refreshes the waiter row's lease, so `recheckMs` stays well below `leaseMs`.
 * Nothing is asked while no run waits.
 */
export class GateWaits {
  readonly #waiters = new Map<string, GateWaiter>();
  #timer: ClockTimer | null = null;

  constructor(
    private readonly slots: GateSlots,
    private readonly recheckMs: number,
    private readonly host: () => StoreHost | null,
  ) {}

  get waitingCount(): number {
    return this.#waiters.size;
  }

  /** Waits for a slot of `request.gate`: see `JobStore.awaitGate`. */
  wait(request: ClusterGateRequest): ClusterGateAwait {
    let asked: Promise<void> = DONE;
    const answer = new Promise<ClusterGateWait>((resolve) => {
      const key = waiterKey(request.gate, request.runId);
      this.#waiters.get(key)?.resolve(null); // a run asks once per gate; a repeat replaces it
      const waiter = new GateWaiter(request, resolve);
      this.#waiters.set(key, waiter);
      asked = this.#ask(waiter);
      this.#arm();
    });
    return { answer, asked };
  }

  /**
   * The run stops waiting (cancelled, shut down): its wait resolves `null` and its row goes; the
   * answer settles once the row is deleted (never rejects).
   */
  withdraw(gate: string, runId: string): Promise<void> | undefined {
    const key = waiterKey(gate, runId);
    const waiter = this.#waiters.get(key);
    if (waiter === undefined) return undefined;
    this.#waiters.delete(key);
    waiter.settled = true;
    waiter.resolve(null);
    // An ask in flight deletes the row itself when it comes back (see #answered).
    if (waiter.asking !== null || !waiter.recorded) return undefined;
    // The runs of this process behind it ask at once (the notice reaches other processes).
    return this.#deleteRow(waiter).then(() => this.freedHere(gate));
  }

  /** A `g` notice: a slot of a gate whose name starts so freed; its waiters here ask again. */
  freed(gatePrefix: string): void {
    for (const waiter of this.#waiters.values())
      if (waiter.request.gate.slice(0, GATE_NOTICE_LENGTH) === gatePrefix) void this.#ask(waiter);
  }

  /**
   * This process freed a slot of `gate` (or a place in its line): its own waiters ask at once,
   * without waiting for the notice to come back; settles when their answers are handled.
   */
  freedHere(gate: string): Promise<void> {
    const asks: Promise<void>[] = [];
    for (const waiter of this.#waiters.values())
      if (waiter.request.gate === gate) asks.push(this.#ask(waiter));
    return asks.length === 0 ? DONE : Promise.all(asks).then(() => undefined);
  }

  /** Every waiter asks again (the fallback timer, or notices may have been missed). */
  askAll(): void {
    for (const waiter of this.#waiters.values()) void this.#ask(waiter);
  }

  /** The store closes: every wait resolves `null`; rows left behind stop counting after one lease. */
  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
    for (const waiter of this.#waiters.values()) {
      waiter.settled = true;
      waiter.resolve(null);
    }
    this.#waiters.clear();
  }

  /** Asks for `waiter` (or asks again after the ask in flight); settles once the answer is handled. */
  #ask(waiter: GateWaiter): Promise<void> {
    if (waiter.settled) return DONE;
    if (waiter.asking !== null) {
      waiter.askAgain = true;
      return waiter.asking;
    }
    waiter.recorded = true;
    const asking = this.slots.ask(waiter.request).then(
      (answer) => this.#answered(waiter, answer),
      (error: unknown) => {
        waiter.asking = null;
        this.host()?.logger.warn(
          "postgresStore: asking for a cluster gate slot failed; the run keeps waiting and asks again",
          { gate: waiter.request.gate, error: messageOf(error) },
        );
        if (waiter.settled) void this.#deleteRow(waiter);
      },
    );
    waiter.asking = asking;
    return asking;
  }

  #answered(
    waiter: GateWaiter,
    answer: Awaited<ReturnType<GateSlots["ask"]>>,
  ): Promise<void> | undefined {
    waiter.asking = null;
    if (waiter.settled) {
      // Withdrawn while asking: give back what the answer took.
      if (answer === "waiting") void this.#deleteRow(waiter);
      else if (answer !== "coalesced") void this.#quietly(this.slots.release(answer), answer.gate);
      return undefined;
    }
    if (answer === "waiting") {
      if (!waiter.askAgain) return undefined;
      waiter.askAgain = false;
      return this.#ask(waiter);
    }
    waiter.settled = true;
    this.#waiters.delete(waiterKey(waiter.request.gate, waiter.request.runId));
    waiter.resolve(answer);
    return undefined;
  }

  #deleteRow(waiter: GateWaiter): Promise<void> {
    return this.#quietly(
      this.slots.withdraw(waiter.request.gate, waiter.request.runId),
      waiter.request.gate,
    );
  }

  #quietly(result: Promise<void>, gate: string): Promise<void> {
    return result.catch((error: unknown) =>
      this.host()?.logger.warn(
        "postgresStore: could not give back a cluster gate place; it frees itself when its lease expires",
        { gate, error: messageOf(error) },
      ),
    );
  }

  /** One fallback timer for all waiters, armed only while some wait. */
  #arm(): void {
    const host = this.host();
    if (this.#timer !== null || host === null) return;
    this.#timer = host.setTimer(host.now() + this.recheckMs, () => {
      this.#timer = null;
      if (this.#waiters.size === 0) return;
      this.askAll();
      this.#arm();
    });
  }
}

const waiterKey = (gate: string, runId: string): string => `${gate}\u0000${runId}`;
