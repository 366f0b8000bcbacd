import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type ScheduleSpec } from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { descriptor, testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const START = Date.parse("2026-01-01T00:00:00Z");
const HOUR = 3_600_000;
const hourly: ScheduleSpec = {
  kind: "fixed-rate",
  intervalMs: HOUR,
  initialDelayMs: null,
  runOnStart: false,
};
const recurring = (name: string, schedule: ScheduleSpec, extra = {}) =>
  testJob(name, { schedule, supportsRuntimeScheduling: false, ...extra });
const dueTimes = (calls: { context: { dueTime: Date } }[]) =>
  calls.map((call) => call.context.dueTime.getTime() - START);

describe("triggerJob", () => {
  it("runs a recurring job now, off its grid; the grid's slots stay where they were", async () => {
    const report = recurring("reports.hourly", hourly);
    const { scheduler, probe, clock, outcomesOf } = await startHarness([report]);
    await clock.advance(10 * 60_000);
    const handle = await scheduler.triggerJob("reports.hourly");
    expect(handle).toEqual({
      jobId: expect.any(String),
      runId: expect.any(String),
      jobName: "reports.hourly",
      dueTime: new Date(clock.now()),
      attempt: 1,
      maxAttempts: 1,
    });
    await clock.advance(0);
    expect(
      probe.calls.map((call) => [
        call.context.jobId,
        call.context.runId,
        call.context.isRuntimeScheduled,
      ]),
    ).toEqual([[handle.jobId, handle.runId, false]]);
    expect(outcomesOf("reports.hourly")).toMatchObject([
      { runId: handle.runId, status: "succeeded", isRuntimeScheduled: false },
    ]);
    expect((await scheduler.snapshot()).jobs[0]!.nextDueTime).toEqual(new Date(START + HOUR));
    await clock.advance(2 * HOUR);
    expect(dueTimes(probe.calls)).toEqual([10 * 60_000, HOUR, 2 * HOUR]);
  });

  it("a fixed-delay job's chain is not doubled: the triggered run plans no slot of its own", async () => {
    const poll = recurring("poll", {
      kind: "fixed-delay",
      delayMs: HOUR,
      initialDelayMs: null,
      runOnStart: true,
    });
    const { scheduler, probe, clock } = await startHarness([poll]);
    await clock.advance(30 * 60_000);
    await scheduler.triggerJob("poll");
    await clock.advance(3 * HOUR);
    expect(dueTimes(probe.calls)).toEqual([0, 30 * 60_000, HOUR, 2 * HOUR, 3 * HOUR]);
  });

  it("obeys the overlap policy: skipped / overlap while a run is active under skip", async () => {
    const report = recurring("reports.hourly", hourly);
    const { scheduler, probe, clock, outcomesOf } = await startHarness([report]);
    const hold = deferred();
    probe.on("reports.hourly", () => hold.promise);
    await clock.advance(HOUR);
    const handle = await scheduler.triggerJob("reports.hourly");
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    expect(outcomesOf("reports.hourly")).toMatchObject([
      { runId: handle.runId, jobId: handle.jobId, status: "skipped", message: "overlap" },
    ]);
    hold.resolve();
  });

  it("obeys the overlap policy under queue: waits for the active run (coalesced to one waiter), and can be cancelled meanwhile", async () => {
    const report = recurring("reports.hourly", hourly, { overlap: "queue" });
    const { scheduler, probe, clock, outcomesOf } = await startHarness([report]);
    const hold = deferred();
    probe.on("reports.hourly", () => (probe.calls.length === 1 ? hold.promise : undefined));
    await clock.advance(HOUR);
    const cancelled = await scheduler.triggerJob("reports.hourly");
    expect(await scheduler.cancelRun(cancelled.runId)).toBe(true);
    const waits = await scheduler.triggerJob("reports.hourly");
    const coalesced = await scheduler.triggerJob("reports.hourly");
    hold.resolve();
    await clock.advance(0);
    expect(probe.calls.map((call) => call.context.runId)).toEqual([
      expect.any(String),
      waits.runId,
    ]);
    const outcome = (runId: string) =>
      outcomesOf("reports.hourly").find((each) => each.runId === runId);
    expect(outcome(cancelled.runId)).toMatchObject({ status: "cancelled" });
    expect(outcome(coalesced.runId)).toMatchObject({ status: "skipped", message: "coalesced" });
    expect(outcome(waits.runId)).toMatchObject({ status: "succeeded" });
  });

  it("a paused job's triggered run is recorded skipped / paused, a disabled job's skipped / disabled", async () => {
    const report = recurring("reports.hourly", hourly);
    const off = recurring("reports.off", hourly, { enabled: false });
    const { scheduler, probe, clock, outcomes } = await startHarness([report, off]);
    await scheduler.pauseJob("reports.hourly");
    const paused = await scheduler.triggerJob("reports.hourly");
    const disabled = await scheduler.triggerJob("reports.off");
    await clock.advance(0);
    expect(probe.calls).toHaveLength(0);
    expect(outcomes.map((outcome) => [outcome.runId, outcome.status, outcome.message])).toEqual([
      [paused.runId, "skipped", "paused"],
      [disabled.runId, "skipped", "disabled"],
    ]);
  });

  it("a runtime-only job, an unknown name and a scheduler that only enqueues are clear errors", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email, recurring("reports.hourly", hourly)]);
    await expect(scheduler.triggerJob("emails.send")).rejects.toMatchObject({
      code: "ELR313",
      message: expect.stringContaining('job "emails.send" has no schedule'),
    });
    await expect(scheduler.triggerJob("reports.daily")).rejects.toMatchObject({ code: "ELR312" });

    const enqueueOnly = createScheduler({
      registry: defineJobDescriptors(
        [descriptor("reports.hourly", { schedule: hourly, supportsRuntimeScheduling: false })],
        [],
      ),
      clock: new ManualClock(),
    });
    await expect(enqueueOnly.triggerJob("reports.hourly")).rejects.toMatchObject({
      code: "ELR001",
    });
    await enqueueOnly.start();
    await expect(enqueueOnly.triggerJob("reports.hourly")).rejects.toMatchObject({
      code: "ELR314",
      message: expect.stringContaining("only enqueues"),
    });
    await enqueueOnly.stop();
  });
});
