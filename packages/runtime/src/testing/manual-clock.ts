import type { Clock, ClockTimer } from "../core/clock.js";
import { coded } from "../core/runtime-errors.js";

interface PendingTimer {
  readonly atMs: number;
  readonly sequence: number;
  readonly callback: () => void;
  cancelled: boolean;
}

const DEFAULT_START = Date.parse("2026-01-01T00:00:00.000Z");

/**
 * A clock that only moves when the test says so. After `await clock.advance(ms)` (or `set`) every
 * run due by the new time has been dispatched — its `execute` called, or its skip/cancel outcome
 * recorded — and the scheduler's bookkeeping has settled: timers fire in due order, with `now()`
 * set to each timer's time, and the clock awaits every registered scheduler's settle hook after each
 * one. A job body awaiting real I/O may still be running.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(new Date("2026-03-29T00:00:00Z"));
 * const scheduler = createScheduler({ registry, services, clock });
 * await scheduler.start();
 * await scheduler.schedule(SendEmailJob, payload, clock.now() + 60_000);
 * await clock.advance(60_000); // the job's execute has been called
 * ```
 */
export class ManualClock implements Clock {
  private nowMs: number;
  private readonly timers: PendingTimer[] = [];
  private readonly settleHooks = new Set<() => Promise<void>>();
  private nextSequence = 0;
  /** Moves are serialised: a second `advance` starts after the first finished. */
  private moving: Promise<void> = Promise.resolve();

  constructor(start?: Date) {
    const startMs = start === undefined ? DEFAULT_START : start.getTime();
    if (!Number.isFinite(startMs))
      throw coded(
        new RangeError(
          'ManualClock: the start must be a valid Date, e.g. new ManualClock(new Date("2026-01-01T00:00:00Z")).',
        ),
        "ELR601",
      );
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(atMs: number, callback: () => void): ClockTimer {
    const timer: PendingTimer = { atMs, sequence: this.nextSequence++, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  registerSettleHook(settle: () => Promise<void>): () => void {
    this.settleHooks.add(settle);
    return () => {
      this.settleHooks.delete(settle);
    };
  }

  /** Moves the clock forward by `ms` (0 or more), firing every timer due on the way, in order. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(
        coded(
          new RangeError(
            `ManualClock.advance: expected a finite number of milliseconds 0 or more, got ${String(ms)}.`,
          ),
          "ELR601",
        ),
      );
    }
    return this.moveBy(() => this.nowMs + ms);
  }

  /** Moves the clock to `date` (not backwards), firing every timer due on the way, in order. */
  set(date: Date): Promise<void> {
    const targetMs = date instanceof Date ? date.getTime() : Number.NaN;
    if (!Number.isFinite(targetMs))
      return Promise.reject(
        coded(new RangeError("ManualClock.set: expected a valid Date."), "ELR601"),
      );
    return this.moveBy(() => {
      if (targetMs < this.nowMs) {
        throw coded(
          new RangeError(
            `ManualClock.set: ${new Date(targetMs).toISOString()} is before now (${new Date(this.nowMs).toISOString()}); a clock only moves forward.`,
          ),
          "ELR601",
        );
      }
      return targetMs;
    });
  }

  /**
   * Simulates a suspended process (laptop sleep, a blocked event loop): time moves forward by `ms`
   * at once, and only then do the timers that came due fire, late, in due order. This is how tests
   * produce misfires; `advance` never does.
   */
  jump(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(
        coded(
          new RangeError(
            `ManualClock.jump: expected a finite number of milliseconds 0 or more, got ${String(ms)}.`,
          ),
          "ELR601",
        ),
      );
    }
    return this.moveBy(() => {
      this.nowMs += ms;
      return this.nowMs;
    });
  }

  /** Number of timers not yet fired or cancelled (for tests that check nothing is left behind). */
  get pendingTimerCount(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  private moveBy(target: () => number): Promise<void> {
    const move = this.moving.then(async () => {
      const targetMs = target();
      await this.settle();
      for (;;) {
        const timer = this.takeEarliestDue(targetMs);
        if (timer === undefined) break;
        if (timer.atMs > this.nowMs) this.nowMs = timer.atMs;
        timer.callback();
        await this.settle();
      }
      this.nowMs = targetMs;
      await this.settle();
    });
    this.moving = move.catch(() => undefined);
    return move;
  }

  private takeEarliestDue(targetMs: number): PendingTimer | undefined {
    let best = -1;
    for (let index = this.timers.length - 1; index >= 0; index--) {
      const timer = this.timers[index]!;
      if (timer.cancelled) {
        this.timers.splice(index, 1);
        if (best > index) best--;
        continue;
      }
      if (timer.atMs > targetMs) continue;
      const current = best === -1 ? undefined : this.timers[best]!;
      if (
        current === undefined ||
        timer.atMs < current.atMs ||
        (timer.atMs === current.atMs && timer.sequence < current.sequence)
      )
        best = index;
    }
    if (best === -1) return undefined;
    return this.timers.splice(best, 1)[0];
  }

  private async settle(): Promise<void> {
    for (const hook of [...this.settleHooks]) await hook();
  }
}
