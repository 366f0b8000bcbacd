import { afterEach, describe, expect, it } from "vitest";
import type { ScheduleSpec } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const START = Date.parse("2026-01-01T00:00:00Z");
const rate = (
  intervalMs: number,
  runOnStart = true,
  initialDelayMs: number | null = null,
): ScheduleSpec => ({
  kind: "fixed-rate",
  intervalMs,
  initialDelayMs,
  runOnStart,
});
const recurring = (name: string, schedule: ScheduleSpec, extra = {}) =>
  testJob(name, { schedule, supportsRuntimeScheduling: false, ...extra });
const dueTimes = (calls: { context: { dueTime: Date } }[]) =>
  calls.map((call) => call.context.dueTime.getTime() - START);

describe("recurring schedules", () => {
  it("fixed rate runs on start and then on its grid", async () => {
    const tick = recurring("tick", rate(1_000));
    const { probe, clock } = await startHarness([tick]);
    await clock.advance(3_500);
    expect(dueTimes(probe.calls)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(probe.calls.every((call) => call.context.isRuntimeScheduled === false)).toBe(true);
  });

  it("a long run does not shift the fixed-rate grid", async () => {
    const tick = recurring("tick", rate(1_000));
    const release = deferred();
    const { probe, clock } = await startHarness([tick], {
      beforeStart: (probe) => probe.on("tick", () => release.promise),
    });
    await clock.advance(2_500);
    probe.on("tick", () => undefined);
    release.resolve();
    await clock.advance(1_000);
    expect(dueTimes(probe.calls)).toEqual([0, 3_000]);
  });

  it("fixed rate with runOnStart false waits one interval; initialDelay shifts the first run", async () => {
    const late = recurring("late", rate(1_000, false));
    const delayed = recurring("delayed", rate(1_000, true, 250));
    const { probe, clock } = await startHarness([late, delayed]);
    await clock.advance(2_500);
    expect(dueTimes(probe.callsOf("late"))).toEqual([1_000, 2_000]);
    expect(dueTimes(probe.callsOf("delayed"))).toEqual([250, 1_250, 2_250]);
  });

  it("fixed delay measures from completion: the next run waits for the previous to finish", async () => {
    const poll = recurring("poll", {
      kind: "fixed-delay",
      delayMs: 1_000,
      initialDelayMs: null,
      runOnStart: true,
    });
    const release = deferred();
    const { probe, clock } = await startHarness([poll], {
      beforeStart: (probe) =>
        probe.on("poll", () => (probe.calls.length === 1 ? release.promise : undefined)),
    });
    await clock.advance(5_000);
    expect(dueTimes(probe.calls)).toEqual([0]);
    release.resolve();
    await clock.advance(0);
    await clock.advance(1_000);
    expect(dueTimes(probe.calls)).toEqual([0, 6_000]);
  });

  it("a one-time job (initialDelay alone) runs once per start", async () => {
    const warmUp = recurring("warm-up", { kind: "once", delayMs: 2_000 });
    const { probe, clock, scheduler } = await startHarness([warmUp]);
    await clock.advance(10_000);
    expect(dueTimes(probe.calls)).toEqual([2_000]);
    expect((await scheduler.snapshot()).jobs[0]!.nextDueTime).toBeNull();
  });

  it("cron fires at each slot of its expression", async () => {
    const quarter = recurring("quarter", {
      kind: "cron",
      expression: "*/15 * * * *",
      timeZone: "UTC",
    });
    const { probe, clock } = await startHarness([quarter], { start: new Date(START + 60_000) });
    await clock.advance(60 * 60_000);
    expect(dueTimes(probe.calls)).toEqual([15, 30, 45, 60].map((minutes) => minutes * 60_000));
  });

  it("a disabled job records every slot skipped / disabled", async () => {
    const off = recurring("off", rate(1_000, false), { enabled: false });
    const { probe, clock, outcomesOf } = await startHarness([off]);
    await clock.advance(2_000);
    expect(probe.calls).toHaveLength(0);
    expect(outcomesOf("off").map((outcome) => [outcome.status, outcome.message])).toEqual([
      ["skipped", "disabled"],
      ["skipped", "disabled"],
    ]);
  });

  it("cancelling a queued occurrence skips that slot only; the chain continues with the next slot", async () => {
    const tick = recurring("tick", rate(1_000, false));
    const { probe, clock, scheduler, outcomesOf } = await startHarness([tick]);
    const [pending] = (await scheduler.snapshot()).queuedRuns;
    expect(pending).toMatchObject({ jobName: "tick", status: "queued", isRuntimeScheduled: false });
    expect(pending!.dueTime.getTime()).toBe(START + 1_000);
    expect(await scheduler.cancelRun(pending!.runId)).toBe(true);
    expect(await scheduler.cancelRun(pending!.runId)).toBe(false);
    const [next] = (await scheduler.snapshot()).queuedRuns;
    expect(next!.dueTime.getTime()).toBe(START + 2_000);
    await clock.advance(2_000);
    expect(dueTimes(probe.calls)).toEqual([2_000]);
    expect(outcomesOf("tick")[0]).toMatchObject({
      status: "cancelled",
      message: "cancelled before execution",
      runId: pending!.runId,
    });
  });

  it("cancelJob of a running occurrence aborts its signal", async () => {
    const tick = recurring("tick", rate(1_000, false));
    const { probe, clock, scheduler, outcomesOf } = await startHarness([tick]);
    probe.on(
      "tick",
      (_payload, context) =>
        new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve())),
    );
    await clock.advance(1_000);
    const [active] = (await scheduler.snapshot()).activeRuns;
    expect(await scheduler.cancelJob(active!.jobId)).toBe(true);
    await clock.advance(0);
    expect(outcomesOf("tick")[0]).toMatchObject({ status: "cancelled", message: "cancelled" });
  });
});

describe("misfire after a long pause", () => {
  const hourly = (misfire: "fire-once" | "skip" | "catch-up") =>
    recurring("hourly", rate(3_600_000, false), { misfire });

  it("fire-once runs the overdue slot once and jumps to the next future slot", async () => {
    const { probe, clock, scheduler } = await startHarness([hourly("fire-once")]);
    await clock.jump(5.5 * 3_600_000);
    expect(dueTimes(probe.calls)).toEqual([3_600_000]);
    expect((await scheduler.snapshot()).jobs[0]!.nextDueTime?.getTime()).toBe(
      START + 6 * 3_600_000,
    );
  });

  it("skip records the overdue slot skipped / misfire and jumps", async () => {
    const { probe, clock, outcomesOf } = await startHarness([hourly("skip")]);
    await clock.jump(5.5 * 3_600_000);
    expect(probe.calls).toHaveLength(0);
    expect(outcomesOf("hourly").map((outcome) => [outcome.status, outcome.message])).toEqual([
      ["skipped", "misfire"],
    ]);
    await clock.advance(0.5 * 3_600_000);
    expect(dueTimes(probe.calls)).toEqual([6 * 3_600_000]);
  });

  it("catch-up replays missed slots up to maxMisfireCatchUpRuns, then jumps", async () => {
    const { probe, clock } = await startHarness([hourly("catch-up")], { maxMisfireCatchUpRuns: 2 });
    await clock.jump(5.5 * 3_600_000);
    expect(dueTimes(probe.calls)).toEqual([1, 2, 3].map((hours) => hours * 3_600_000));
    await clock.advance(0.5 * 3_600_000);
    expect(dueTimes(probe.calls)).toEqual([1, 2, 3, 6].map((hours) => hours * 3_600_000));
  });

  it("timer jitter is not a misfire: a slot less than one interval late runs normally", async () => {
    const { probe, clock, outcomesOf } = await startHarness([hourly("skip")]);
    await clock.jump(3_600_000 + 59 * 60_000);
    expect(dueTimes(probe.calls)).toEqual([3_600_000]);
    expect(outcomesOf("hourly").filter((outcome) => outcome.status === "skipped")).toEqual([]);
  });
});

describe("cron across daylight saving time (Europe/Vienna)", () => {
  it("spring forward: a local time skipped by the clock change does not fire", async () => {
    const daily = recurring("daily", {
      kind: "cron",
      expression: "30 2 * * *",
      timeZone: "Europe/Vienna",
    });
    const { probe, clock } = await startHarness([daily], {
      start: new Date("2026-03-28T00:00:00Z"),
    });
    await clock.set(new Date("2026-03-31T00:00:00Z"));
    expect(probe.calls.map((call) => call.context.dueTime.toISOString())).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  it("fall back: a repeated local time fires once", async () => {
    const daily = recurring("daily", {
      kind: "cron",
      expression: "30 2 * * *",
      timeZone: "Europe/Vienna",
    });
    const { probe, clock } = await startHarness([daily], {
      start: new Date("2026-10-24T00:00:00Z"),
    });
    await clock.set(new Date("2026-10-27T00:00:00Z"));
    expect(probe.calls.map((call) => call.context.dueTime.toISOString())).toEqual([
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  it("an hourly cron on the fall-back day fires 24 times: the repeated 02:00 only once", async () => {
    const hourly = recurring("hourly", {
      kind: "cron",
      expression: "0 * * * *",
      timeZone: "Europe/Vienna",
    });
    const { probe, clock } = await startHarness([hourly], {
      start: new Date("2026-10-24T22:00:00Z"),
    });
    await clock.set(new Date("2026-10-25T22:59:00Z"));
    const instants = probe.calls.map((call) => call.context.dueTime.getTime());
    expect(new Set(instants).size).toBe(instants.length);
    expect(instants).toHaveLength(24);
    const localTwoOClock = instants.filter(
      (instant) =>
        new Date(instant).toLocaleTimeString("en-GB", { timeZone: "Europe/Vienna" }) === "02:00:00",
    );
    expect(localTwoOClock).toHaveLength(1);
  });
});
