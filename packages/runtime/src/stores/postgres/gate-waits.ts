import type { ClockTimer } from "../../core/clock.js";
import { messageOf } from "../../core/error-message.js";
import type { ClusterGateRequest, ClusterGateWait } from "../cluster-gates.js";
import type { StoreHost } from "../store-host.js";
import type { GateSlots } from "./gate-slots.js";
import { GATE_NOTICE_LENGTH } from "./notifications.js";

/** One run of this process waiting for a slot of a cluster-wide gate. */
class GateWaiter {
  /** A query for it is in flight. */
  asking = false;
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

  /** Waits for a slot of `request.gate`: resolves with the slot, `"coalesced"`, or `null` once withdrawn. */
  wait(request: ClusterGateRequest): Promise<ClusterGateWait> {
    return new Promise<ClusterGateWait>((resolve) => {
      const key = waiterKey(request.gate, request.runId);
      this.#waiters.get(key)?.resolve(null); // a run asks once per gate; a repeat replaces it
      const waiter = new GateWaiter(request, resolve);
      this.#waiters.set(key, waiter);
      this.#ask(waiter);
      this.#arm();
    });
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
    return !waiter.asking && waiter.recorded ? this.#deleteRow(waiter) : undefined;
  }

  /** A `g` notice: a slot of a gate whose name starts so freed; its waiters here ask again. */
  freed(gatePrefix: string): void {
    for (const waiter of this.#waiters.values())
      if (waiter.request.gate.slice(0, GATE_NOTICE_LENGTH) === gatePrefix) this.#ask(waiter);
  }

  /** Every waiter asks again (the fallback timer, or notices may have been missed). */
  askAll(): void {
    for (const waiter of this.#waiters.values()) this.#ask(waiter);
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

  #ask(waiter: GateWaiter): void {
    if (waiter.settled) return;
    if (waiter.asking) {
      waiter.askAgain = true;
      return;
    }
    waiter.asking = true;
    waiter.recorded = true;
    this.slots.ask(waiter.request).then(
      (answer) => this.#answered(waiter, answer),
      (error: unknown) => {
        waiter.asking = false;
        this.host()?.logger.warn(
          "postgresStore: asking for a cluster gate slot failed; the run keeps waiting and asks again",
          { gate: waiter.request.gate, error: messageOf(error) },
        );
        if (waiter.settled) void this.#deleteRow(waiter);
      },
    );
  }

  #answered(waiter: GateWaiter, answer: Awaited<ReturnType<GateSlots["ask"]>>): void {
    waiter.asking = false;
    if (waiter.settled) {
      // Withdrawn while asking: give back what the answer took.
      if (answer === "waiting") void this.#deleteRow(waiter);
      else if (answer !== "coalesced") void this.#quietly(this.slots.release(answer), answer.gate);
      return;
    }
    if (answer === "waiting") {
      if (waiter.askAgain) {
        waiter.askAgain = false;
        this.#ask(waiter);
      }
      return;
    }
    waiter.settled = true;
    this.#waiters.delete(waiterKey(waiter.request.gate, waiter.request.runId));
    waiter.resolve(answer);
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
