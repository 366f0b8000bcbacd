/** A pending timer of a {@link Clock}; `cancel()` is idempotent. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * The scheduler's only source of time: every wait it makes (due times, retry delays, backoff,
 * per-attempt timeouts) goes through `setTimer`, so a test can drive it with `ManualClock`.
 *
 * @example
 * ```ts
 * const clock: Clock = systemClock;
 * const timer = clock.setTimer(clock.now() + 1_000, () => console.log("a second later"));
 * timer.cancel();
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Calls `callback` once when the clock reaches `atMs` (epoch ms; a past instant fires as soon as
   * possible). Real-time clocks must not keep the process alive for it (unref the timer).
   */
  setTimer(atMs: number, callback: () => void): ClockTimer;
  /**
   * Optional: lets a scheduler register a hook that resolves once everything due by `now()` has
   * been dispatched. A test clock awaits it after each timer it fires; returns the unregister
   * function.
   */
  registerSettleHook?(settle: () => Promise<void>): () => void;
}

/** Node's largest timer delay; longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The longest a {@link SystemClock} timer sleeps before it looks at the time again: a wall clock
 * stepped forward brings due work forward by at most this much late.
 */
export const SYSTEM_CLOCK_RECHECK_MS = 1_000;

/**
 * Where a {@link SystemClock} reads time and sets timers. Node's by default; a test passes its own
 * to step the wall clock (the way an operator or NTP does) without touching the machine's.
 */
export interface TimeSource {
  /** Wall-clock epoch milliseconds (`Date.now()`); may step backwards or forwards. */
  wallNow(): number;
  /** Milliseconds from an arbitrary origin that never step (`performance.now()`). */
  monotonicNow(): number;
  /** A one-shot timer measured on the monotonic clock (Node's `setTimeout`, unref'd). */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's time: `Date.now()`, `performance.now()` and unref'd `setTimeout`. */
export const nodeTimeSource: TimeSource = Object.freeze({
  wallNow: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout: (callback: () => void, delayMs: number): unknown => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});

class SystemTimer implements ClockTimer {
  private handle: unknown = undefined;
  private cancelled = false;
  /** When the wait is over by the monotonic clock, whatever the wall clock does meanwhile. */
  private readonly deadlineMonotonicMs: number;

  constructor(
    private readonly clock: SystemClock,
    private readonly source: TimeSource,
    private readonly atMs: number,
    private readonly callback: () => void,
  ) {
    this.deadlineMonotonicMs = source.monotonicNow() + Math.max(0, atMs - clock.now());
    this.arm();
  }

  cancel(): void {
    this.cancelled = true;
    if (this.handle !== undefined) this.source.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const delay = Math.max(0, this.deadlineMonotonicMs - this.source.monotonicNow());
    this.handle = this.source.setTimeout(
      () => this.fire(),
      Math.min(delay, SYSTEM_CLOCK_RECHECK_MS, MAX_TIMEOUT_MS),
    );
  }

  private fire(): void {
    this.handle = undefined;
    if (this.cancelled) return;
    if (this.source.monotonicNow() >= this.deadlineMonotonicMs) {
      // The wait is over: the scheduler's time reaches `atMs` even if the wall clock stepped back.
      this.clock.reach(this.atMs);
    } else if (this.clock.now() < this.atMs) {
      this.arm(); // not yet (a wall clock stepped forward past `atMs` ends the wait early)
      return;
    }
    this.callback();
  }
}

/**
 * The real clock. `now()` is the wall clock, except that it never runs backwards: when the wall
 * clock steps back (an operator, NTP), the scheduler's time holds and then advances with it, the
 * step absorbed, and every timer waits on Node's monotonic timers, so a job due in 5 s still runs
 * in 5 s. A wall clock that steps forward is followed; a timer looks at the time at least every
 * {@link SYSTEM_CLOCK_RECHECK_MS}. Timers are unref'd: a stopped scheduler never keeps the process
 * alive. `now()` reads only `Date.now()` (it is on every run's path); the monotonic clock is read
 * when a timer is set or wakes.
 *
 * @example
 * ```ts
 * const clock = new SystemClock(); // what createScheduler uses by default (systemClock)
 * clock.setTimer(clock.now() + 5_000, () => console.log("5 s later, whatever the wall clock did"));
 * ```
 */
export class SystemClock implements Clock {
  private lastNowMs: number;
  /** How far the scheduler's time is ahead of the wall clock after steps back. */
  private aheadMs = 0;

  constructor(private readonly source: TimeSource = nodeTimeSource) {
    this.lastNowMs = source.wallNow();
  }

  now(): number {
    const wall = this.source.wallNow();
    let now = wall + this.aheadMs;
    if (now < this.lastNowMs) {
      this.aheadMs = this.lastNowMs - wall; // stepped back: hold, absorbing the step
      now = this.lastNowMs;
    } else if (this.aheadMs !== 0 && wall >= this.lastNowMs) {
      this.aheadMs = 0; // the wall clock is past the scheduler's time again: follow it
      now = wall;
    }
    this.lastNowMs = now;
    return now;
  }

  /** A timer's monotonic wait is over: the scheduler's time is at least `ms` from now on. */
  reach(ms: number): void {
    const now = this.now();
    if (ms > now) {
      this.aheadMs += ms - now;
      this.lastNowMs = ms;
    }
  }

  setTimer(atMs: number, callback: () => void): ClockTimer {
    return new SystemTimer(this, this.source, atMs, callback);
  }
}

/** The default clock of `createScheduler`: a {@link SystemClock} on Node's time. */
export const systemClock: Clock = new SystemClock();
