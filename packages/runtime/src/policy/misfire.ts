import type { Recurrence } from "./recurrence.js";

/** What a grid schedule (cron, fixed rate) does when it is a whole slot or more late. Default `"fire-once"`. */
export type MisfirePolicy = "fire-once" | "skip" | "catch-up";

/** What to do with a grid occurrence found at least one full slot late. */
export interface MisfirePlan {
  /** Overdue slot due times to run now, oldest first (fire-once: one; catch-up: up to 1 + maxCatchUpRuns; skip: none). */
  readonly runNow: readonly number[];
  /** Overdue slot due times to record as skipped `"misfire"` (skip policy: the overdue slot). */
  readonly skipped: readonly number[];
  /** The next slot strictly after `nowMs` (`null` when the recurrence ends). */
  readonly nextDue: number | null;
}

/** Walking slot by slot is only the fallback for recurrences without `slotAfter`; it stays bounded. */
const MAX_SLOTS_WALKED = 1_000_000;

const MISFIRE_POLICIES: readonly MisfirePolicy[] = ["fire-once", "skip", "catch-up"];

function firstSlotAfter(recurrence: Recurrence, dueMs: number, nowMs: number): number | null {
  if (recurrence.slotAfter) return recurrence.slotAfter(dueMs, nowMs);
  let slot: number | null = dueMs;
  for (let walked = 0; slot !== null && slot <= nowMs; walked += 1) {
    if (walked === MAX_SLOTS_WALKED) {
      throw new RangeError(
        `planMisfire: more than ${MAX_SLOTS_WALKED} missed slots; give the recurrence a slotAfter method.`,
      );
    }
    slot = recurrence.next(slot, nowMs);
  }
  return slot;
}

/**
 * Decides what a grid schedule (cron, fixed-rate) does with the slot due at `dueMs` when the
 * scheduler gets to it at `nowMs`. It is a misfire when the slot after `dueMs` is already due
 * (`<= nowMs`), i.e. at least one full slot late; anything less is timer jitter and returns
 * `null` (run the slot normally). Non-grid schedules never misfire.
 *
 * - `fire-once`: run the overdue slot, then continue at the first slot after `nowMs`.
 * - `skip`: record the overdue slot as skipped `"misfire"`, then continue likewise.
 * - `catch-up`: run the overdue slot and the next missed slots, oldest first, up to
 *   `maxCatchUpRuns` more; later missed slots are dropped, then continue likewise.
 *
 * @example
 * ```ts
 * const hourly = createRecurrence({ kind: "cron", expression: "0 * * * *", timeZone: "UTC" });
 * const plan = planMisfire(hourly, Date.parse("2026-01-01T00:00Z"), Date.parse("2026-01-01T03:30Z"), "catch-up", 32);
 * // plan.runNow: 00:00, 01:00, 02:00, 03:00; plan.nextDue: 04:00
 * ```
 */
export function planMisfire(
  recurrence: Recurrence,
  dueMs: number,
  nowMs: number,
  policy: MisfirePolicy,
  maxCatchUpRuns: number,
): MisfirePlan | null {
  if (!MISFIRE_POLICIES.includes(policy)) {
    throw new RangeError(
      `Unknown misfire policy ${JSON.stringify(policy)}; use "fire-once", "skip" or "catch-up".`,
    );
  }
  if (!Number.isInteger(maxCatchUpRuns) || maxCatchUpRuns < 0) {
    throw new RangeError(
      `Invalid maxCatchUpRuns: ${String(maxCatchUpRuns)}; use a whole number 0 or more.`,
    );
  }
  if (!Number.isFinite(dueMs) || !Number.isFinite(nowMs)) {
    throw new RangeError(
      `planMisfire: dueMs and nowMs must be finite epoch milliseconds, got ${String(dueMs)} and ${String(nowMs)}.`,
    );
  }
  if (!recurrence.isGrid) return null;
  const slotAfterDue = recurrence.next(dueMs, nowMs);
  if (slotAfterDue === null || slotAfterDue > nowMs) return null;

  const nextDue = firstSlotAfter(recurrence, dueMs, nowMs);
  switch (policy) {
    case "fire-once":
      return { runNow: [dueMs], skipped: [], nextDue };
    case "skip":
      return { runNow: [], skipped: [dueMs], nextDue };
    case "catch-up": {
      const runNow = [dueMs];
      let slot: number | null = slotAfterDue;
      while (slot !== null && slot <= nowMs && runNow.length <= maxCatchUpRuns) {
        runNow.push(slot);
        slot = recurrence.next(slot, nowMs);
      }
      return { runNow, skipped: [], nextDue };
    }
  }
}
