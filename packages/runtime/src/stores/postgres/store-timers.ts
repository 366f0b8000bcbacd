import type { ClockTimer } from "../../core/clock.js";
import type { StoreHost } from "../store-host.js";

/**
 * The store's timers (heartbeat, poll, the wake after a failed claim), all armed through
 * `StoreHost.setTimer`: on the scheduler's clock, so a test's `ManualClock` drives them like every
 * other wait, and a real clock never keeps the process alive for them.
 *
 * A repeating task is armed again only once it has finished: it never overlaps itself, and a
 * clock moved far ahead at once (a ManualClock's `set`) runs it about once per task duration, not
 * once per interval of the time skipped.
 */
export class StoreTimers {
  readonly #timers = new Set<ClockTimer>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(private readonly host: Pick<StoreHost, "now" | "setTimer">) {}

  /** Runs `task` every `intervalMs` (the first time `intervalMs` from now) until {@link stop}. Never rejects. */
  every(intervalMs: number, task: () => Promise<void>): void {
    this.after(intervalMs, () => {
      const run = task()
        .catch(() => undefined)
        .finally(() => {
          this.#running.delete(run);
          if (!this.#stopped) this.every(intervalMs, task);
        });
      this.#running.add(run);
    });
  }

  /** Calls `callback` once, `delayMs` from now, unless {@link stop} comes first. */
  after(delayMs: number, callback: () => void): ClockTimer {
    if (this.#stopped) return { cancel: () => undefined };
    const timer = this.host.setTimer(this.host.now() + delayMs, () => {
      this.#timers.delete(timer);
      if (!this.#stopped) callback();
    });
    this.#timers.add(timer);
    return {
      cancel: () => {
        this.#timers.delete(timer);
        timer.cancel();
      },
    };
  }

  /** Cancels every timer and waits for the repeating tasks already running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.clear();
    await Promise.all([...this.#running]);
  }
}
