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

  constructor(
    private readonly clock: SystemClock,
    private readonly source: TimeSource,
    private readonly atMs: number,
    private readonly callback: () => void,
  ) {
    this.arm();
  }

  cancel(): void {
    this.cancelled = true;
    if (this.handle !== undefined) this.source.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const delay = Math.max(0, this.atMs - this.clock.now());
    this.handle = this.source.setTimeout(() => this.fire(), Math.min(delay, SYSTEM_CLOCK_RECHECK_MS, MAX_TIMEOUT_MS));
  }

  private fire(): void {
    this.handle = undefined;
    if (this.cancelled) return;
    if (this.clock.now() < this.atMs) {
      this.arm();
      return;
    }
    this.callback();
  }
}

/**
 * The real clock. `now()` is the wall clock, except that it never runs backwards: when the wall
 * clock steps back (an operator, NTP), the scheduler's time keeps advancing on the monotonic clock
 * from where it was, so a due job is not held back by the step (the job due in 5 s still runs in
 * 5 s); a wall clock that steps forward is followed. Timers sleep on Node's monotonic timers, at
 * most {@link SYSTEM_CLOCK_RECHECK_MS} at a time, and are unref'd, so a stopped scheduler never
 * keeps the process alive.
 *
 * @example
 * ```ts
 * const clock = new SystemClock(); // what createScheduler uses by default (systemClock)
 * clock.setTimer(clock.now() + 5_000, () => console.log("5 s later, whatever the wall clock did"));
 * ```
 */
export class SystemClock implements Clock {
  private lastNowMs: number;
  private lastMonotonicMs: number;

  constructor(private readonly source: TimeSource = nodeTimeSource) {
    this.lastNowMs = source.wallNow();
    this.lastMonotonicMs = source.monotonicNow();
  }

  now(): number {
    const wall = this.source.wallNow();
    const monotonic = this.source.monotonicNow();
    const carriedOn = this.lastNowMs + Math.max(0, monotonic - this.lastMonotonicMs);
    const now = wall >= carriedOn ? wall : carriedOn;
    this.lastNowMs = now;
    this.lastMonotonicMs = monotonic;
    return now;
  }

  setTimer(atMs: number, callback: () => void): ClockTimer {
    return new SystemTimer(this, this.source, atMs, callback);
  }
}

/** The default clock of `createScheduler`: a {@link SystemClock} on Node's time. */
export const systemClock: Clock = new SystemClock();
