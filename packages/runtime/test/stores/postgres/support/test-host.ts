import type { JobDescriptor, PayloadValidator } from "../../../../src/registry/job-descriptor.js";
import { systemClock, type Clock, type ClockTimer } from "../../../../src/core/clock.js";
import type { Logger } from "../../../../src/core/logger.js";
import type { StoreHost } from "../../../../src/stores/job-store.js";
import { descriptor } from "../../../support/test-registry.js";

/** A descriptor as the generator prints it, for a runtime job with no dependencies and an optional payload validator. */
export function runtimeJobDescriptor(
  name: string,
  validatePayload: PayloadValidator | null = null,
): JobDescriptor {
  return descriptor(name, {
    target: { kind: "class", className: "TestJob" },
    dependencies: [],
    validatePayload,
  });
}

/**
 * The scheduler's side of the store seam, written out by hand so store behaviour can be observed
 * directly: wake-ups and aborts are recorded and can be awaited.
 */
export class RecordingHost implements StoreHost {
  readonly maxRetainedCompletedJobs: number;
  readonly aborted: { runId: string; reason: string }[] = [];
  readonly warnings: string[] = [];
  wakeCount = 0;
  /** How often the store asked the scheduler to repair run-time schedules (its poll). */
  repairRequests = 0;
  readonly #descriptors: Map<string, JobDescriptor>;
  readonly #clock: Clock;
  #waiters: (() => void)[] = [];

  /** `clock` is the scheduler's clock the store keeps time with (a ManualClock drives its timers). */
  constructor(
    descriptors: readonly JobDescriptor[],
    options: { maxRetainedCompletedJobs?: number; clock?: Clock } = {},
  ) {
    this.#descriptors = new Map(descriptors.map((d) => [d.name, d]));
    this.maxRetainedCompletedJobs = options.maxRetainedCompletedJobs ?? 1024;
    this.#clock = options.clock ?? systemClock;
  }

  now(): number {
    return this.#clock.now();
  }

  setTimer(atMs: number, callback: () => void): ClockTimer {
    return this.#clock.setTimer(atMs, callback);
  }

  wake(): void {
    this.wakeCount += 1;
    this.#notify();
  }

  repairSchedules(): void {
    this.repairRequests += 1;
  }

  abortRun(runId: string, reason: string): void {
    this.aborted.push({ runId, reason });
    this.#notify();
  }

  findDescriptor(jobName: string): JobDescriptor | undefined {
    return this.#descriptors.get(jobName);
  }

  readonly logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void this.warnings.push(message),
    error: (message) => void this.warnings.push(message),
  };

  /** Resolves once `condition` holds, re-checked at each wake-up or abort (fails after `timeoutMs`). */
  until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const check = (): void => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const check of waiters) check();
  }
}
