import { describe, expect, it } from "vitest";
import { createRecurrence } from "../../src/policy/recurrence.js";
import type { ScheduleSpec } from "../../src/registry/job-descriptor.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const START = at("2026-05-01T10:00:00Z");
const MINUTE = 60_000;

describe("fixed-rate schedules", () => {
  const everyMinute = (
    options: Partial<{ initialDelayMs: number | null; runOnStart: boolean }> = {},
  ) =>
    createRecurrence({
      kind: "fixed-rate",
      intervalMs: MINUTE,
      initialDelayMs: options.initialDelayMs ?? null,
      runOnStart: options.runOnStart ?? true,
    });

  it("runs at start by default and is a grid schedule", () => {
    const rate = everyMinute();
    expect(rate.kind).toBe("fixed-rate");
    expect(rate.isGrid).toBe(true);
    expect(rate.first(START)).toBe(START);
  });

  it("with runOnStart false the first run is one interval after start", () => {
    expect(everyMinute({ runOnStart: false }).first(START)).toBe(START + MINUTE);
  });

  it("an initial delay decides the first run whatever runOnStart says", () => {
    expect(everyMinute({ initialDelayMs: 5_000 }).first(START)).toBe(START + 5_000);
    expect(everyMinute({ initialDelayMs: 5_000, runOnStart: false }).first(START)).toBe(
      START + 5_000,
    );
    expect(everyMinute({ initialDelayMs: 0, runOnStart: false }).first(START)).toBe(START);
  });

  it("stays on its grid however long a run takes", () => {
    const rate = everyMinute({ initialDelayMs: 5_000 });
    const first = rate.first(START)!;
    const second = rate.next(first, first + 45_000)!; // a 45 s run
    const third = rate.next(second, second + 10 * MINUTE)!; // an overrunning run
    expect([second - first, third - second]).toEqual([MINUTE, MINUTE]);
    expect(third).toBe(START + 5_000 + 2 * MINUTE);
  });

  it("finds the first grid slot after a long outage in one step", () => {
    const rate = createRecurrence({
      kind: "fixed-rate",
      intervalMs: 1_000,
      initialDelayMs: null,
      runOnStart: true,
    });
    const yearLater = START + 365 * 86_400_000 + 500;
    expect(rate.slotAfter!(START, yearLater)).toBe(START + 365 * 86_400_000 + 1_000);
    expect(rate.slotAfter!(START, START)).toBe(START + 1_000);
    expect(rate.slotAfter!(START, START - 5_000)).toBe(START + 1_000);
  });
});

describe("fixed-delay schedules", () => {
  const delay = (runOnStart = true, initialDelayMs: number | null = null) =>
    createRecurrence({ kind: "fixed-delay", delayMs: 30_000, initialDelayMs, runOnStart });

  it("measures the next run from completion, and is not a grid", () => {
    const recurrence = delay();
    expect(recurrence.kind).toBe("fixed-delay");
    expect(recurrence.isGrid).toBe(false);
    expect(recurrence.slotAfter).toBeUndefined();
    const first = recurrence.first(START)!;
    expect(first).toBe(START);
    expect(recurrence.next(first, first + 12_345)).toBe(first + 12_345 + 30_000);
  });

  it("honours runOnStart and the initial delay like fixed-rate", () => {
    expect(delay(false).first(START)).toBe(START + 30_000);
    expect(delay(false, 1_000).first(START)).toBe(START + 1_000);
  });
});

describe("one-time schedules (initialDelay alone)", () => {
  it("runs once, delay after start, and never again", () => {
    const once = createRecurrence({ kind: "once", delayMs: 90_000 });
    expect(once.kind).toBe("once");
    expect(once.isGrid).toBe(false);
    expect(once.first(START)).toBe(START + 90_000);
    expect(once.next(START + 90_000, START + 95_000)).toBeNull();
  });
});

describe("cron schedules", () => {
  const daily = (timeZone = "UTC") =>
    createRecurrence({ kind: "cron", expression: "0 3 * * *", timeZone });

  it("the first due time is the next slot from start, in the spec's zone", () => {
    const recurrence = daily("Europe/Vienna");
    expect(recurrence.kind).toBe("cron");
    expect(recurrence.isGrid).toBe(true);
    expect(iso(recurrence.first(START))).toBe("2026-05-02T01:00:00.000Z"); // 03:00 CEST
  });

  it("a scheduler started exactly on a slot runs that slot", () => {
    expect(iso(daily().first(at("2026-05-01T03:00:00Z")))).toBe("2026-05-01T03:00:00.000Z");
    expect(iso(daily().first(at("2026-05-01T03:00:00.001Z")))).toBe("2026-05-02T03:00:00.000Z");
  });

  it("the next slot follows the one that was due, whenever the run completed", () => {
    const due = at("2026-05-01T03:00:00Z");
    expect(iso(daily().next(due, due + 5 * 3_600_000))).toBe("2026-05-02T03:00:00.000Z");
  });

  it("a cron that never fires has no first due time", () => {
    expect(
      createRecurrence({ kind: "cron", expression: "0 0 30 2 *", timeZone: "UTC" }).first(START),
    ).toBeNull();
  });
});

describe("invalid specs are rejected when the recurrence is created", () => {
  it("bad cron text or an unknown zone", () => {
    expect(() =>
      createRecurrence({ kind: "cron", expression: "0 3 * *", timeZone: "UTC" }),
    ).toThrow(/has 4 field/);
    expect(() =>
      createRecurrence({ kind: "cron", expression: "0 3 * * *", timeZone: "Europe/Viena" }),
    ).toThrow(/Unknown time zone "Europe\/Viena"/);
  });

  it("a zero or negative interval, or a negative delay", () => {
    expect(() =>
      createRecurrence({
        kind: "fixed-rate",
        intervalMs: 0,
        initialDelayMs: null,
        runOnStart: true,
      }),
    ).toThrow(/Invalid fixed-rate interval: 0; use a finite number of milliseconds greater than 0/);
    expect(() =>
      createRecurrence({
        kind: "fixed-delay",
        delayMs: -5,
        initialDelayMs: null,
        runOnStart: true,
      }),
    ).toThrow(/Invalid fixed-delay delay: -5/);
    expect(() =>
      createRecurrence({
        kind: "fixed-rate",
        intervalMs: 10,
        initialDelayMs: Number.NaN,
        runOnStart: true,
      }),
    ).toThrow(/Invalid initial delay/);
    expect(() => createRecurrence({ kind: "once", delayMs: -1 })).toThrow(
      /Invalid initial delay: -1/,
    );
  });

  it("an unknown kind", () => {
    expect(() => createRecurrence({ kind: "hourly" } as unknown as ScheduleSpec)).toThrow(
      /Unknown schedule kind "hourly"/,
    );
  });

  it("a non-finite start instant", () => {
    expect(() => createRecurrence({ kind: "once", delayMs: 0 }).first(Number.NaN)).toThrow(
      /startMs must be a finite/,
    );
  });
});

describe("cluster slot keys (which occurrence one process claims for the whole cluster)", () => {
  it("two processes started at different moments claim the same key for a fixed-rate window", () => {
    const rate = createRecurrence({
      kind: "fixed-rate",
      intervalMs: MINUTE,
      initialDelayMs: null,
      runOnStart: true,
    });
    const processA = rate.first(START + 1_000)!;
    const processB = rate.first(START + 30_000)!;
    expect(processA).not.toBe(processB);
    expect(rate.clusterSlotKey(processA)).toBe(rate.clusterSlotKey(processB));
    expect(rate.clusterSlotKey(rate.next(processA, processA)!)).toBe(
      rate.clusterSlotKey(rate.next(processB, processB)!),
    );
    expect(rate.clusterSlotKey(rate.next(processA, processA)!)).toBe(
      rate.clusterSlotKey(processA) + MINUTE,
    );
  });

  it("fixed-delay keys by the epoch-aligned window of its delay", () => {
    const delay = createRecurrence({
      kind: "fixed-delay",
      delayMs: MINUTE,
      initialDelayMs: null,
      runOnStart: true,
    });
    expect(delay.clusterSlotKey(START + 59_999)).toBe(START);
    expect(delay.clusterSlotKey(START + MINUTE)).toBe(START + MINUTE);
  });

  it("cron and one-time schedules key by the due time itself", () => {
    const cron = createRecurrence({ kind: "cron", expression: "*/5 * * * *", timeZone: "UTC" });
    const once = createRecurrence({ kind: "once", delayMs: 1_234 });
    expect(cron.clusterSlotKey(START + 5 * MINUTE)).toBe(START + 5 * MINUTE);
    expect(once.clusterSlotKey(START + 1_234)).toBe(START + 1_234);
  });
});
