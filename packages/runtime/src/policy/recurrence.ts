import type { ScheduleSpec } from "./schedule-spec.js";
import { parseCron } from "./cron.js";
import { assertValidTimeZone } from "./time-zone.js";

/**
 * The due times of one recurring schedule, as pure functions of time. The scheduler asks for the
 * first due time at start and for the next one after each occurrence; it never does date math.
 */
export interface Recurrence {
  readonly kind: "cron" | "fixed-rate" | "fixed-delay" | "once";
  /** Grid schedules (cron, fixed-rate) are subject to misfire handling. */
  readonly isGrid: boolean;
  /** The first due time for a scheduler started at `startMs`, or `null`. */
  first(startMs: number): number | null;
  /** The slot after the one due at `dueMs`; fixed-delay measures from `completedMs`, "once" returns `null`. */
  next(dueMs: number, completedMs: number): number | null;
  /**
   * Grid schedules: the first slot of the grid through `dueMs` that is strictly after
   * `instantMs`, computed in one step (a long outage does not walk every missed slot).
   * Absent on non-grid schedules.
   */
  slotAfter?(dueMs: number, instantMs: number): number | null;
  /**
   * The key under which the occurrence due at `dueMs` is claimed across a cluster. Interval grids
   * are anchored at each process's own start, so two processes' slots differ: keying by the
   * epoch-aligned window (`floor(due / interval) * interval`) lets exactly one of them run per
   * window. Cron slots are already shared wall-clock instants, and a one-time job runs once per
   * process start by definition, so both use the due time itself.
   */
  clusterSlotKey(dueMs: number): number;
}

function dueTimeKey(dueMs: number): number {
  return dueMs;
}

function windowKey(intervalMs: number): (dueMs: number) => number {
  return intervalMs > 0 ? (dueMs) => Math.floor(dueMs / intervalMs) * intervalMs : dueTimeKey;
}

function requireFinite(value: number, what: string): void {
  if (!Number.isFinite(value))
    throw new RangeError(
      `${what} must be a finite epoch-millisecond number, got ${String(value)}.`,
    );
}

function requireDuration(value: number, what: string, allowZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `Invalid ${what}: ${String(value)}; use a finite number of milliseconds ${allowZero ? "0 or more" : "greater than 0"}.`,
    );
  }
}

/** first due = start + (initialDelay ?? (runOnStart ? 0 : interval)). */
function firstIntervalDue(
  startMs: number,
  intervalMs: number,
  initialDelayMs: number | null,
  runOnStart: boolean,
): number {
  requireFinite(startMs, "startMs");
  return startMs + (initialDelayMs ?? (runOnStart ? 0 : intervalMs));
}

/**
 * Turns a {@link ScheduleSpec} into a {@link Recurrence}, validating it (cron syntax, time zone,
 * durations) with errors that say what to fix.
 *
 * - `cron`: wall-clock slots in the spec's time zone (see {@link CronExpression}); a slot exactly at
 *   the start instant is the first due time.
 * - `fixed-rate`: a grid anchored at the first due time; run duration does not shift it.
 * - `fixed-delay`: the next due time is completion + delay.
 * - `once`: start + delay, then never again (`initialDelay` alone).
 *
 * @example
 * ```ts
 * const rate = createRecurrence({ kind: "fixed-rate", intervalMs: 60_000, initialDelayMs: null, runOnStart: true });
 * const due = rate.first(Date.now());        // now
 * rate.next(due!, due! + 45_000);            // due + 60 000, however long the run took
 * ```
 */
export function createRecurrence(spec: ScheduleSpec): Recurrence {
  switch (spec.kind) {
    case "cron": {
      const cron = parseCron(spec.expression);
      const { timeZone } = spec;
      assertValidTimeZone(timeZone);
      return {
        kind: "cron",
        isGrid: true,
        first: (startMs) => {
          requireFinite(startMs, "startMs");
          return cron.nextAfter(startMs - 1, timeZone);
        },
        next: (dueMs) => {
          requireFinite(dueMs, "dueMs");
          return cron.nextAfter(dueMs, timeZone);
        },
        slotAfter: (dueMs, instantMs) => cron.nextAfter(Math.max(dueMs, instantMs), timeZone),
        clusterSlotKey: dueTimeKey,
      };
    }
    case "fixed-rate": {
      const { intervalMs, initialDelayMs, runOnStart } = spec;
      requireDuration(intervalMs, "fixed-rate interval", false);
      if (initialDelayMs !== null) requireDuration(initialDelayMs, "initial delay", true);
      return {
        kind: "fixed-rate",
        isGrid: true,
        first: (startMs) => firstIntervalDue(startMs, intervalMs, initialDelayMs, runOnStart),
        next: (dueMs) => {
          requireFinite(dueMs, "dueMs");
          return dueMs + intervalMs;
        },
        slotAfter: (dueMs, instantMs) => {
          if (instantMs < dueMs) return dueMs + intervalMs;
          return dueMs + (Math.floor((instantMs - dueMs) / intervalMs) + 1) * intervalMs;
        },
        clusterSlotKey: windowKey(intervalMs),
      };
    }
    case "fixed-delay": {
      const { delayMs, initialDelayMs, runOnStart } = spec;
      requireDuration(delayMs, "fixed-delay delay", true);
      if (initialDelayMs !== null) requireDuration(initialDelayMs, "initial delay", true);
      return {
        kind: "fixed-delay",
        isGrid: false,
        first: (startMs) => firstIntervalDue(startMs, delayMs, initialDelayMs, runOnStart),
        next: (_dueMs, completedMs) => {
          requireFinite(completedMs, "completedMs");
          return completedMs + delayMs;
        },
        clusterSlotKey: windowKey(delayMs),
      };
    }
    case "once": {
      const { delayMs } = spec;
      requireDuration(delayMs, "initial delay", true);
      return {
        kind: "once",
        isGrid: false,
        first: (startMs) => {
          requireFinite(startMs, "startMs");
          return startMs + delayMs;
        },
        next: () => null,
        clusterSlotKey: dueTimeKey,
      };
    }
    default: {
      const unknown: { kind?: unknown } = spec;
      throw new RangeError(
        `Unknown schedule kind ${JSON.stringify(unknown.kind)}; expected "cron", "fixed-rate", "fixed-delay" or "once".`,
      );
    }
  }
}
