import { describe, expect, it } from "vitest";
import { planMisfire } from "../../src/policy/misfire.js";
import { createRecurrence, type Recurrence } from "../../src/policy/recurrence.js";
import type { MisfirePolicy } from "../../src/authoring/scheduled-job-options.js";

const at = (iso: string): number => Date.parse(iso);
const isoAll = (values: readonly number[]): string[] =>
  values.map((value) => new Date(value).toISOString());
const MINUTE = 60_000;

const hourly = createRecurrence({ kind: "cron", expression: "0 * * * *", timeZone: "UTC" });
const everyMinute = createRecurrence({
  kind: "fixed-rate",
  intervalMs: MINUTE,
  initialDelayMs: null,
  runOnStart: true,
});
const DUE = at("2026-01-01T00:00:00Z");

describe("what counts as a misfire", () => {
  it("timer jitter is not a misfire", () => {
    for (const policy of ["fire-once", "skip", "catch-up"] as const) {
      expect(planMisfire(hourly, DUE, DUE, policy, 32)).toBeNull();
      expect(planMisfire(hourly, DUE, DUE + 250, policy, 32)).toBeNull();
      expect(planMisfire(everyMinute, DUE, DUE + MINUTE - 1, policy, 32)).toBeNull();
    }
  });

  it("a whole slot late is a misfire: the next slot is already due", () => {
    const plan = planMisfire(everyMinute, DUE, DUE + MINUTE, "fire-once", 32);
    expect(plan).not.toBeNull();
    expect(plan!.nextDue).toBe(DUE + 2 * MINUTE);
  });

  it("schedules that are not grids never misfire", () => {
    const delay = createRecurrence({
      kind: "fixed-delay",
      delayMs: MINUTE,
      initialDelayMs: null,
      runOnStart: true,
    });
    const once = createRecurrence({ kind: "once", delayMs: 0 });
    expect(planMisfire(delay, DUE, DUE + 60 * MINUTE, "catch-up", 32)).toBeNull();
    expect(planMisfire(once, DUE, DUE + 60 * MINUTE, "catch-up", 32)).toBeNull();
  });
});

describe("the three misfire policies after an outage", () => {
  // Hourly slots 00:00 … the scheduler comes back at 03:30: 00:00, 01:00, 02:00 and 03:00 were missed.
  const now = at("2026-01-01T03:30:00Z");

  it("fire-once runs the overdue slot and jumps to the next future slot", () => {
    const plan = planMisfire(hourly, DUE, now, "fire-once", 32)!;
    expect(isoAll(plan.runNow)).toEqual(["2026-01-01T00:00:00.000Z"]);
    expect(plan.skipped).toEqual([]);
    expect(isoAll([plan.nextDue!])).toEqual(["2026-01-01T04:00:00.000Z"]);
  });

  it("skip records the overdue slot as a misfire and jumps", () => {
    const plan = planMisfire(hourly, DUE, now, "skip", 32)!;
    expect(plan.runNow).toEqual([]);
    expect(isoAll(plan.skipped)).toEqual(["2026-01-01T00:00:00.000Z"]);
    expect(isoAll([plan.nextDue!])).toEqual(["2026-01-01T04:00:00.000Z"]);
  });

  it("catch-up replays every missed slot, oldest first, when they fit the cap", () => {
    const plan = planMisfire(hourly, DUE, now, "catch-up", 32)!;
    expect(isoAll(plan.runNow)).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
    ]);
    expect(plan.skipped).toEqual([]);
    expect(isoAll([plan.nextDue!])).toEqual(["2026-01-01T04:00:00.000Z"]);
  });

  it("catch-up replays at most maxCatchUpRuns further slots, then jumps", () => {
    const plan = planMisfire(hourly, DUE, now, "catch-up", 2)!;
    expect(isoAll(plan.runNow)).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
    ]);
    expect(isoAll([plan.nextDue!])).toEqual(["2026-01-01T04:00:00.000Z"]);
    expect(isoAll(planMisfire(hourly, DUE, now, "catch-up", 0)!.runNow)).toEqual([
      "2026-01-01T00:00:00.000Z",
    ]);
  });

  it("the next due slot is strictly after now, even when now is exactly on a slot", () => {
    const plan = planMisfire(hourly, DUE, at("2026-01-01T03:00:00Z"), "fire-once", 32)!;
    expect(isoAll([plan.nextDue!])).toEqual(["2026-01-01T04:00:00.000Z"]);
  });
});

describe("long outages", () => {
  it("a fixed-rate grid jumps a year of one-second slots and stays on its grid", () => {
    const everySecond = createRecurrence({
      kind: "fixed-rate",
      intervalMs: 1_000,
      initialDelayMs: 250,
      runOnStart: true,
    });
    const due = everySecond.first(DUE)!;
    const now = due + 365 * 86_400_000 + 400;
    const plan = planMisfire(everySecond, due, now, "catch-up", 3)!;
    expect(plan.runNow).toEqual([due, due + 1_000, due + 2_000, due + 3_000]);
    expect(plan.nextDue).toBe(due + 365 * 86_400_000 + 1_000);
  });

  it("a cron grid lands on the next wall-clock slot after a week away, across a DST change", () => {
    const daily = createRecurrence({
      kind: "cron",
      expression: "30 2 * * *",
      timeZone: "Europe/Vienna",
    });
    const due = at("2026-03-25T01:30:00Z");
    const plan = planMisfire(daily, due, at("2026-03-29T12:00:00Z"), "catch-up", 10)!;
    // 26, 27, 28 March fired at 02:30 CET; 29 March has no 02:30.
    expect(isoAll(plan.runNow)).toEqual([
      "2026-03-25T01:30:00.000Z",
      "2026-03-26T01:30:00.000Z",
      "2026-03-27T01:30:00.000Z",
      "2026-03-28T01:30:00.000Z",
    ]);
    expect(isoAll([plan.nextDue!])).toEqual(["2026-03-30T00:30:00.000Z"]);
  });

  it("a recurrence without slotAfter is walked slot by slot", () => {
    const walked: Recurrence = {
      kind: "fixed-rate",
      isGrid: true,
      first: (start) => start,
      next: (due) => due + MINUTE,
      clusterSlotKey: (due) => due,
    };
    const plan = planMisfire(walked, DUE, DUE + 10 * MINUTE + 1, "skip", 32)!;
    expect(plan.skipped).toEqual([DUE]);
    expect(plan.nextDue).toBe(DUE + 11 * MINUTE);
  });

  it("a grid that ends during the outage has no next due slot", () => {
    const ending: Recurrence = {
      kind: "cron",
      isGrid: true,
      first: (start) => start,
      next: (due) => (due < DUE + MINUTE ? due + MINUTE : null),
      clusterSlotKey: (due) => due,
    };
    const plan = planMisfire(ending, DUE, DUE + 5 * MINUTE, "catch-up", 32)!;
    expect(plan.runNow).toEqual([DUE, DUE + MINUTE]);
    expect(plan.nextDue).toBeNull();
  });
});

describe("bad input", () => {
  it("an unknown policy or a bad catch-up cap is rejected", () => {
    expect(() => planMisfire(hourly, DUE, DUE, "retry" as MisfirePolicy, 32)).toThrow(
      /Unknown misfire policy "retry"; use "fire-once", "skip" or "catch-up"/,
    );
    expect(() => planMisfire(hourly, DUE, DUE, "catch-up", -1)).toThrow(
      /Invalid maxCatchUpRuns: -1/,
    );
    expect(() => planMisfire(hourly, DUE, DUE, "catch-up", 1.5)).toThrow(/Invalid maxCatchUpRuns/);
    expect(() => planMisfire(hourly, Number.NaN, DUE, "skip", 1)).toThrow(/must be finite/);
  });
});
