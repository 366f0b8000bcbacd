import type { Recurrence } from "../policy/recurrence.js";

/**
 * A recurring job's schedule as configured now. It starts as the registry's and changes while the
 * scheduler runs when a configuration placeholder resolves to a new value (see
 * scheduler/live-configuration.ts).
 */
export interface JobSchedule {
  /** `null`: no occurrences (no schedule, or cron `"-"`). */
  readonly recurrence: Recurrence | null;
  /** `false` records each occurrence `skipped` / `"disabled"`. */
  readonly enabled: boolean;
}

/** Where a job's chain stands when its schedule changes. */
export interface ChainPosition {
  /** When the scheduler started planning (the anchor of a first slot that has not happened yet). */
  readonly startedAtMs: number;
  /** The latest slot the chain handled (ran, skipped or recorded disabled); `null` before the first. */
  readonly lastSlotMs: number | null;
  /** When the chain's latest run completed (fixed delay measures from it); `null` before the first. */
  readonly lastCompletedAtMs: number | null;
}

/**
 * The first due time of a new schedule that supersedes a job's pending slot at `nowMs`. The chain
 * carries on rather than starting over, so a change neither adds a run nor loses one:
 *
 * - cron: the new expression's first slot from now on, never the slot the chain just handled again;
 * - fixed rate: one new interval after the last slot (at once if that is already past); before the
 *   first slot, the new schedule's first slot from the scheduler's start;
 * - fixed delay: one new delay after the last completion, likewise;
 * - once (`initialDelay` alone): the new delay from the start if it has not run yet, else never.
 */
export function firstDueOfNewSchedule(
  recurrence: Recurrence,
  chain: ChainPosition,
  nowMs: number,
): number | null {
  const { startedAtMs, lastSlotMs, lastCompletedAtMs } = chain;
  switch (recurrence.kind) {
    case "cron": {
      const due = recurrence.first(nowMs);
      return due !== null && lastSlotMs !== null && due <= lastSlotMs
        ? recurrence.next(lastSlotMs, nowMs)
        : due;
    }
    case "fixed-rate":
      return notBefore(
        lastSlotMs === null ? recurrence.first(startedAtMs) : recurrence.next(lastSlotMs, nowMs),
        nowMs,
      );
    case "fixed-delay":
      return notBefore(
        lastCompletedAtMs === null
          ? recurrence.first(startedAtMs)
          : recurrence.next(lastCompletedAtMs, lastCompletedAtMs),
        nowMs,
      );
    case "once":
      return lastSlotMs === null ? notBefore(recurrence.first(startedAtMs), nowMs) : null;
  }
}

function notBefore(dueMs: number | null, nowMs: number): number | null {
  return dueMs === null ? null : Math.max(dueMs, nowMs);
}
