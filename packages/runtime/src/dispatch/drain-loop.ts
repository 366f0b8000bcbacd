import type { Clock, ClockTimer } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import type { Logger } from "../core/logger.js";
import { isPromise } from "../core/maybe-promise.js";
import type { ClaimStarts, ClaimedRun, JobStore } from "../stores/job-store.js";

/** Runs claimed per store round trip. */
const CLAIM_BATCH = 1024;
/** Claiming stops while this many claimed runs wait for a global slot (a durable store would hold leases for nothing). */
const CLAIM_AHEAD = 4096;
/**
 * Wake-ups between two drains after which the next drain runs on a microtask instead of waiting for
 * the macrotask turn. A caller awaiting `enqueue` in a loop never yields to macrotasks, so without
 * this its whole burst would pile up unclaimed (every job surviving into the old generation, which
 * the profile showed as ~25% GC); with it the backlog stays one batch deep and still drains in batches.
 */
const EAGER_DRAIN_AFTER_WAKES = 1024;
/** Re-check interval when a store reports due work it then does not hand out (a durable store's stale cache). */
const STALE_DUE_RECHECK_MS = 250;

/** What the drain loop asks of the dispatcher. */
export interface DrainHooks {
  isRunning(): boolean;
  /** `false` in an enqueue-only process: nothing is claimed. */
  readonly runsJobs: boolean;
  fireOccurrences(nowMs: number): void;
  nextOccurrenceDue(): number | null;
  waitingForSlot(): number;
  /** What would be done at once with runs claimed now (see `JobStore.claimDueRuns`). */
  claimStarts(): ClaimStarts;
  admit(claimed: ClaimedRun): void;
  /** A drain finished (idle waiters may re-check). */
  drained(): void;
}

/**
 * The dispatcher's sleep/wake cycle: a drain fires due recurring slots and claims due store runs,
 * then arms one clock timer for the next due time (no polling). Wake-ups are batched on the next
 * macrotask turn; the drain stays synchronous while the store answers synchronously.
 */
export class DrainLoop {
  private timer: ClockTimer | null = null;
  private timerAtMs: number | null = null;
  private drainQueued = false;
  private eagerDrainQueued = false;
  private wakesSinceDrain = 0;
  private drainingSync = false;
  private redrain = false;
  private claimBlocked = false;
  /** The drain in progress when the store answered with a promise. */
  draining: Promise<void> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly store: JobStore,
    private readonly logger: Logger,
    private readonly hooks: DrainHooks,
  ) {}

  /** Nothing queued or in progress. */
  get isIdle(): boolean {
    return !this.drainQueued && !this.eagerDrainQueued && this.draining === null;
  }

  /** A global slot was released: resume claiming if it had stopped for too many waiters. */
  slotReleased(): void {
    if (this.claimBlocked && this.hooks.waitingForSlot() < CLAIM_AHEAD / 2) {
      this.claimBlocked = false;
      this.wake();
    }
  }

  cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerAtMs = null;
  }

  /**
   * New or earlier work may exist: drain on the next macrotask turn (`setImmediate`), so a burst of
   * `enqueue` calls made in one turn is claimed in batches by a single drain — or on a microtask once
   * the burst reaches {@link EAGER_DRAIN_AFTER_WAKES}.
   */
  readonly wake = (): void => {
    if (!this.hooks.isRunning()) return;
    if (this.draining !== null || this.drainingSync) {
      this.redrain = true;
      return;
    }
    if (++this.wakesSinceDrain >= EAGER_DRAIN_AFTER_WAKES && !this.eagerDrainQueued) {
      this.eagerDrainQueued = true;
      queueMicrotask(this.eagerDrainTask);
    }
    if (this.drainQueued) return;
    this.drainQueued = true;
    setImmediate(this.drainTask);
  };

  private readonly eagerDrainTask = (): void => {
    this.eagerDrainQueued = false;
    this.drain();
  };

  private readonly drainTask = (): void => {
    this.drainQueued = false;
    this.drain();
  };

  private drain(): void {
    this.wakesSinceDrain = 0;
    if (!this.hooks.isRunning()) return;
    if (this.draining !== null) {
      this.redrain = true;
      return;
    }
    let pending: Promise<void> | void = undefined;
    this.drainingSync = true;
    try {
      pending = this.drainSync();
    } catch (error) {
      this.logDrainError(error);
    } finally {
      this.drainingSync = false;
    }
    if (pending instanceof Promise) {
      this.draining = pending
        .catch((error: unknown) => this.logDrainError(error))
        .finally(() => {
          this.draining = null;
          this.afterDrain();
        });
    } else {
      this.afterDrain();
    }
  }

  private afterDrain(): void {
    if (this.redrain) {
      this.redrain = false;
      this.wake();
    }
    this.hooks.drained();
  }

  private logDrainError(error: unknown): void {
    this.logger.error("dispatcher: a store call failed; retrying at the next wake-up", {
      error: messageOf(error),
    });
  }

  /**
   * The drain: passes of "fire due recurring slots, claim due runs until a batch comes back short",
   * repeated while a wake-up arrived meanwhile, then the timer for the next due time. It stays
   * synchronous while the store answers synchronously (the memory store always does) and continues
   * on the store's promise otherwise — one loop for both.
   */
  private drainSync(progressed = false): Promise<void> | void {
    let nowMs: number;
    do {
      this.redrain = false;
      if (!this.hooks.runsJobs) return;
      nowMs = this.clock.now();
      this.hooks.fireOccurrences(nowMs);
      const claimed = this.claimDue(nowMs, false);
      if (isPromise(claimed)) {
        const claimedAtMs = nowMs;
        return claimed.then((more) => this.afterPass(claimedAtMs, progressed || more));
      }
      progressed ||= claimed;
    } while (this.redrain && this.hooks.isRunning());
    return this.armTimer(progressed, nowMs);
  }

  private afterPass(claimedAtMs: number, progressed: boolean): Promise<void> | void {
    return this.redrain && this.hooks.isRunning()
      ? this.drainSync(progressed)
      : this.armTimer(progressed, claimedAtMs);
  }

  /** Claims batches due by `nowMs` until one comes back short; answers whether anything was claimed. */
  private claimDue(nowMs: number, progressed: boolean): boolean | Promise<boolean> {
    while (this.hooks.isRunning()) {
      if (this.hooks.waitingForSlot() >= CLAIM_AHEAD) {
        this.claimBlocked = true;
        break;
      }
      const result = this.store.claimDueRuns(nowMs, CLAIM_BATCH, this.hooks.claimStarts());
      if (isPromise(result)) {
        return result.then((claimed) => {
          this.admitAll(claimed);
          return claimed.length === CLAIM_BATCH
            ? this.claimDue(nowMs, true)
            : progressed || claimed.length > 0;
        });
      }
      this.admitAll(result);
      if (result.length > 0) progressed = true;
      if (result.length < CLAIM_BATCH) break;
    }
    return progressed;
  }

  private admitAll(claimed: readonly ClaimedRun[]): void {
    for (const run of claimed) this.hooks.admit(run);
  }

  /** `claimedAtMs`: the instant the drain's last claim asked for runs due by. */
  private armTimer(progressed: boolean, claimedAtMs: number): Promise<void> | void {
    const stored = this.store.nextDueTime();
    if (isPromise(stored))
      return stored.then((storeNext) => this.armTimerAt(storeNext, progressed, claimedAtMs));
    this.armTimerAt(stored, progressed, claimedAtMs);
  }

  private armTimerAt(storeNext: number | null, progressed: boolean, claimedAtMs: number): void {
    let next = this.hooks.nextOccurrenceDue();
    if (storeNext !== null && (next === null || storeNext < next)) next = storeNext;
    if (!this.hooks.isRunning()) return;
    const nowMs = this.clock.now();
    if (next !== null && next <= nowMs) {
      if (this.claimBlocked) return; // a released slot wakes us
      // Work that fell due while the drain's claim was in flight (a durable store's round trip
      // takes milliseconds) was not asked for yet: claim again now, not after the stale re-check.
      if (progressed || next > claimedAtMs) {
        this.redrain = true;
        return;
      }
      next = nowMs + STALE_DUE_RECHECK_MS;
    }
    if (next === this.timerAtMs) return;
    this.timer?.cancel();
    this.timerAtMs = next;
    this.timer = next === null ? null : this.clock.setTimer(next, this.onTimer);
  }

  /** A due time arrived: drain at once (no extra macrotask hop, which would add lateness). */
  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerAtMs = null;
    if (this.drainQueued || this.draining !== null || this.drainingSync) this.wake();
    else this.drain();
  };
}
