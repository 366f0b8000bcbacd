import type { TimeSource } from "../../src/index.js";

/**
 * A {@link TimeSource} whose wall clock a test can step, the way an operator or NTP steps a
 * machine's: `advance(ms)` lets `ms` of real time pass (wall and monotonic clocks both move, due
 * timeouts fire in order), `stepWall(ms)` moves the wall clock alone.
 */
export class SteppingTimeSource implements TimeSource {
  private wallMs: number;
  private monotonicMs = 1_000;
  private sequence = 0;
  private readonly timeouts: {
    atMonotonicMs: number;
    sequence: number;
    callback: () => void;
    cleared: boolean;
  }[] = [];

  constructor(start: Date) {
    this.wallMs = start.getTime();
  }

  wallNow(): number {
    return this.wallMs;
  }

  monotonicNow(): number {
    return this.monotonicMs;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const timeout = {
      atMonotonicMs: this.monotonicMs + Math.max(1, delayMs),
      sequence: this.sequence++,
      callback,
      cleared: false,
    };
    this.timeouts.push(timeout);
    return timeout;
  }

  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }

  /** Steps the wall clock by `ms` (negative: back); monotonic time and timeouts are unaffected. */
  stepWall(ms: number): void {
    this.wallMs += ms;
  }

  /** Lets `ms` of real time pass, firing every timeout due on the way in order (and those they set). */
  advance(ms: number): void {
    const target = this.monotonicMs + ms;
    for (;;) {
      const due = this.timeouts
        .filter((timeout) => !timeout.cleared && timeout.atMonotonicMs <= target)
        .sort((a, b) => a.atMonotonicMs - b.atMonotonicMs || a.sequence - b.sequence)[0];
      if (due === undefined) break;
      due.cleared = true;
      this.wallMs += due.atMonotonicMs - this.monotonicMs;
      this.monotonicMs = due.atMonotonicMs;
      due.callback();
    }
    this.wallMs += target - this.monotonicMs;
    this.monotonicMs = target;
  }

  /** Timeouts set and not yet fired or cleared. */
  get pendingCount(): number {
    return this.timeouts.filter((timeout) => !timeout.cleared).length;
  }
}
