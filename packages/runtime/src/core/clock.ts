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

class SystemTimer implements ClockTimer {
  private handle: NodeJS.Timeout | undefined;
  private cancelled = false;

  constructor(
    private readonly atMs: number,
    private readonly callback: () => void,
  ) {
    this.arm();
  }

  cancel(): void {
    this.cancelled = true;
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const delay = Math.max(0, this.atMs - Date.now());
    this.handle = setTimeout(() => this.fire(), Math.min(delay, MAX_TIMEOUT_MS));
    this.handle.unref();
  }

  private fire(): void {
    this.handle = undefined;
    if (this.cancelled) return;
    if (Date.now() < this.atMs) {
      this.arm();
      return;
    }
    this.callback();
  }
}

/**
 * The real clock: `Date.now()` and unref'd `setTimeout`, so a stopped scheduler never keeps the
 * process alive.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer: (atMs: number, callback: () => void): ClockTimer => new SystemTimer(atMs, callback),
});
