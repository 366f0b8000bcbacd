import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy, type ScheduleSpec } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const START = Date.parse("2026-01-01T00:00:00Z");
const everySecond: ScheduleSpec = {
  kind: "fixed-rate",
  intervalMs: 1_000,
  initialDelayMs: null,
  runOnStart: false,
};

describe("pauseJob / resumeJob", () => {
  it("queued runs of a paused job name wait, other names run; on resume they run in due order", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([email, report]);
    await scheduler.pauseJob("emails.send");
    const later = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 2_000);
    const now = await scheduler.enqueue(email.jobClass, { id: 1 });
    const other = await scheduler.enqueue(report.jobClass, { id: 3 });
    await clock.advance(5_000);

    expect(probe.calls.map((call) => call.context.jobId)).toEqual([other.jobId]);
    for (const handle of [now, later])
      expect((await scheduler.getJob(handle.jobId))?.status).toBe("queued");
    const snapshot = await scheduler.snapshot();
    expect(snapshot.jobs.map((job) => [job.name, job.paused])).toEqual([
      ["emails.send", true],
      ["reports.build", false],
    ]);
    expect(snapshot.queuedRuns.map((run) => run.jobId)).toEqual([now.jobId, later.jobId]);
    expect((await scheduler.listJobs({ status: "queued" })).jobs.map((job) => job.jobId)).toEqual([
      now.jobId,
      later.jobId,
    ]);
    await scheduler.whenIdle(); // paused runs are not due work

    await scheduler.resumeJob("emails.send");
    await clock.advance(0);
    expect(probe.calls.map((call) => call.context.jobId)).toEqual([
      other.jobId,
      now.jobId,
      later.jobId,
    ]);
    expect((await scheduler.snapshot()).jobs[0]!.paused).toBe(false);
  });

  it("recurring slots of a paused job are recorded skipped / paused; the chain goes on and runs again on resume", async () => {
    const tick = testJob("tick", { schedule: everySecond, supportsRuntimeScheduling: false });
    const { scheduler, probe, clock, outcomesOf } = await startHarness([tick]);
    await clock.advance(1_000);
    await scheduler.pauseJob("tick");
    await clock.advance(2_000);
    await scheduler.resumeJob("tick");
    await clock.advance(1_000);
    expect(probe.calls.map((call) => call.context.dueTime.getTime() - START)).toEqual([
      1_000, 4_000,
    ]);
    expect(
      outcomesOf("tick").map((outcome) => [
        outcome.dueTime.getTime() - START,
        outcome.status,
        outcome.message,
      ]),
    ).toEqual([
      [1_000, "succeeded", null],
      [2_000, "skipped", "paused"],
      [3_000, "skipped", "paused"],
      [4_000, "succeeded", null],
    ]);
  });

  it("a run already past its claim, waiting for a slot, goes back to the queue instead of starting; nothing is lost", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([email, report], {
      maxConcurrentExecutions: 1,
    });
    const hold = deferred();
    probe.on("reports.build", () => hold.promise);
    await scheduler.enqueue(report.jobClass, { id: 1 });
    await clock.advance(0);
    const waiting = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(
      (await scheduler.snapshot()).activeRuns.map((run) => [run.jobId, run.startedAt]),
    ).toContainEqual([waiting.jobId, null]);

    await scheduler.pauseJob("emails.send");
    hold.resolve();
    await clock.advance(1_000);
    expect(probe.callsOf("emails.send")).toHaveLength(0);
    expect(await scheduler.getJob(waiting.jobId)).toMatchObject({
      status: "queued",
      currentRunId: waiting.runId,
      attempt: 1,
    });

    await scheduler.resumeJob("emails.send");
    await clock.advance(0);
    expect(probe.callsOf("emails.send").map((call) => call.context.runId)).toEqual([waiting.runId]);
    expect((await scheduler.getJob(waiting.jobId))?.status).toBe("succeeded");
  });

  it("a recurring run waiting at its gates when the pause comes is skipped / paused", async () => {
    const tick = testJob("tick", { schedule: everySecond, supportsRuntimeScheduling: false });
    const report = testJob("reports.build");
    const { scheduler, probe, clock, outcomesOf } = await startHarness([tick, report], {
      maxConcurrentExecutions: 1,
    });
    const hold = deferred();
    probe.on("reports.build", () => hold.promise);
    await scheduler.enqueue(report.jobClass, { id: 1 });
    await clock.advance(1_000); // tick's first slot waits for the only execution slot
    await scheduler.pauseJob("tick");
    hold.resolve();
    await clock.advance(0);
    expect(probe.callsOf("tick")).toHaveLength(0);
    expect(
      outcomesOf("tick").map((outcome) => [
        outcome.dueTime.getTime() - START,
        outcome.status,
        outcome.message,
      ]),
    ).toEqual([[1_000, "skipped", "paused"]]);
  });

  it("a running body is not aborted by a pause; a deferred retry of a paused job waits for the resume", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "1s" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    const hold = deferred();
    probe.on("emails.send", async (_payload, context) => {
      await hold.promise;
      if (context.attempt === 1) throw new Error("first attempt fails");
    });
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    await scheduler.pauseJob("emails.send");
    hold.resolve();
    await clock.advance(0);
    expect(probe.calls[0]!.context.signal.aborted).toBe(false);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
    });
    await clock.advance(10_000);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
    });
    expect((await scheduler.countJobs({ jobName: "emails.send" }))["waiting-retry"]).toBe(1);
    await scheduler.resumeJob("emails.send");
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("a queued run of a paused job can be cancelled; a retried job of a paused name waits too", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    probe.on("emails.send", () => {
      throw new Error("fails");
    });
    const failed = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    await scheduler.pauseJob("emails.send");
    const queued = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(await scheduler.cancelJob(queued.jobId)).toBe(true);
    expect(await scheduler.getJob(queued.jobId)).toMatchObject({ status: "cancelled" });
    expect(await scheduler.retryJob(failed.jobId)).not.toBeNull();
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(1);
    expect((await scheduler.getJob(failed.jobId))?.status).toBe("queued");
    probe.on("emails.send", () => undefined);
    await scheduler.resumeJob("emails.send");
    await clock.advance(0);
    expect(probe.calls.map((call) => (call.payload as { id: number }).id)).toEqual([1, 1]);
    expect((await scheduler.getJob(queued.jobId))?.status).toBe("cancelled");
  });

  it("pause and resume are idempotent and name only registered jobs", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    await scheduler.pauseJob("emails.send");
    await scheduler.pauseJob("emails.send");
    await scheduler.enqueue(email.jobClass, { id: 1 });
    await scheduler.resumeJob("emails.send");
    await scheduler.resumeJob("emails.send");
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    await expect(scheduler.pauseJob("emails.sned")).rejects.toMatchObject({
      name: "TypeError",
      code: "ELR312",
      message: expect.stringContaining('pauseJob: unknown job name "emails.sned"'),
    });
    await expect(scheduler.resumeJob(7 as unknown as string)).rejects.toMatchObject({
      code: "ELR312",
    });
    await scheduler.stop();
    await expect(scheduler.pauseJob("emails.send")).rejects.toMatchObject({ code: "ELR001" });
  });
});
