import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("cancel table", () => {
  it("cancelJob on a future queued run: true, it never starts, state cancelled / cancelled before execution", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 1_000);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    await clock.advance(5_000);
    expect(probe.calls).toHaveLength(0);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
    const { recentOutcomes } = await scheduler.snapshot();
    expect(recentOutcomes).toMatchObject([
      {
        jobId: handle.jobId,
        status: "cancelled",
        message: "cancelled before execution",
        startedAt: null,
      },
    ]);
  });

  it("cancelRun on a queued run that is already due but not yet dispatched: true, it never starts", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    expect(await scheduler.cancelRun(handle.runId)).toBe(true);
    await clock.advance(0);
    expect(probe.calls).toHaveLength(0);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
  });

  it("cancelRun on a running job: the signal aborts with an AbortError, the run ends cancelled / cancelled", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const started = deferred();
    probe.on("emails.send", (_payload, context) => {
      started.resolve();
      return new Promise<void>((_resolve, reject) =>
        context.signal.addEventListener("abort", () => reject(context.signal.reason)),
      );
    });
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await started.promise;
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("running");
    expect(await scheduler.cancelRun(handle.runId)).toBe(true);
    await clock.advance(0);
    const signal = probe.calls[0]!.context.signal;
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe("AbortError");
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
    expect((await scheduler.snapshot()).recentOutcomes[0]).toMatchObject({
      status: "cancelled",
      message: "cancelled",
    });
  });

  it("cancelJob on a running job whose body returns normally after the abort still ends cancelled", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await probe.whenCalls(1);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    release.resolve();
    await clock.advance(0);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
  });

  it("cancel of a running job whose body then fails with another error ends failed", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", async () => {
      await release.promise;
      throw new Error("disk full");
    });
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await probe.whenCalls(1);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    release.resolve();
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      lastError: "disk full",
    });
  });

  it("cancelRun on a run waiting for the global slot: the body never starts, outcome cancelled", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { maxConcurrentExecutions: 1 });
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    const first = await scheduler.enqueue(email.jobClass, { id: 1 });
    const waiting = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    const before = await scheduler.snapshot();
    expect(before.activeRuns.map((run) => [run.runId, run.status, run.startedAt === null])).toEqual(
      [
        [first.runId, "running", false],
        [waiting.runId, "running", true],
      ],
    );
    expect(await scheduler.cancelRun(waiting.runId)).toBe(true);
    release.resolve();
    await clock.advance(0);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 1 }]);
    expect(await scheduler.getJob(waiting.jobId)).toMatchObject({ status: "cancelled" });
    expect(await scheduler.getJob(first.jobId)).toMatchObject({ status: "succeeded" });
  });

  it("cancelJob on a job waiting for a deferred retry: true, the retry never starts", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 3, delay: "10s" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", () => Promise.reject(new Error("flaky")));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
    });
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    await clock.advance(60_000);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "cancelled",
      lastError: "flaky",
    });
  });

  it("unknown ids and terminal jobs return false", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(false);
    expect(await scheduler.cancelRun(handle.runId)).toBe(false);
    expect(await scheduler.cancelJob("01900000-0000-7000-8000-000000000000")).toBe(false);
    expect(await scheduler.cancelRun("not-a-run")).toBe(false);
  });

  it("a runId of an earlier attempt returns false while the retry is pending", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 2, delay: "1s" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", () => Promise.reject(new Error("flaky")));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    const state = await scheduler.getJob(handle.jobId);
    expect(state?.currentRunId).not.toBe(handle.runId);
    expect(await scheduler.cancelRun(handle.runId)).toBe(false);
    expect(await scheduler.cancelRun(state!.currentRunId)).toBe(true);
  });

  it("requestCancellation ends the run cancelled even though execute returns normally", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    probe.on("emails.send", (_payload, context) => context.requestCancellation());
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
    expect(probe.calls[0]!.context.signal.aborted).toBe(true);
  });

  it("requestCancellation after the run ended is a no-op and does not throw", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    const context = probe.calls[0]!.context;
    expect(() => context.requestCancellation()).not.toThrow();
    expect(context.signal.aborted).toBe(false);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded" });
  });

  it("the signal is created lazily yet reports an abort that happened before it was read", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    let seen: AbortSignal | undefined;
    probe.on("emails.send", async (_payload, context) => {
      await release.promise;
      seen = context.signal;
    });
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await probe.whenCalls(1);
    await scheduler.cancelJob(handle.jobId);
    release.resolve();
    await clock.advance(0);
    expect(seen?.aborted).toBe(true);
  });
});

describe("cancelJobs (bulk)", () => {
  it("cancels each id as cancelJob would and answers per id in input order", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([email, report], {
      maxConcurrentExecutions: 1,
    });
    const release = deferred();
    probe.on("reports.build", () => release.promise);
    const running = await scheduler.enqueue(report.jobClass, { id: 0 });
    await probe.whenCalls(1);
    const finished = await scheduler.schedule(email.jobClass, { id: 9 }, clock.now() + 500);
    expect(await scheduler.cancelJob(finished.jobId)).toBe(true);
    const queued = await scheduler.enqueueMany(
      email.jobClass,
      Array.from({ length: 20 }, (_, index) => ({ id: index + 1 })),
    );
    // Due later, so no worker leases it: it stays queued in the store until cancelled.
    const later = await scheduler.schedule(email.jobClass, { id: 99 }, clock.now() + 60_000);

    const answers = await scheduler.cancelJobs([
      ...queued.map((handle) => handle.jobId),
      running.jobId,
      later.jobId,
      later.jobId.toUpperCase(), // listed twice: its first entry cancelled it
      finished.jobId,
      "00000000-0000-4000-8000-000000000000",
      "not-an-id",
    ]);

    expect(answers).toEqual([...Array(22).fill(true), false, false, false, false]);
    release.resolve();
    await clock.advance(5_000);
    expect(probe.calls.map((call) => call.jobName)).toEqual(["reports.build"]);
    for (const handle of [...queued, running, later])
      expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
    expect(await scheduler.cancelJobs([])).toEqual([]);
  });

  it("checks every id before cancelling any: a bad one fails the call with its index", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 1_000);

    await expect(
      scheduler.cancelJobs([handle.jobId, 42 as unknown as string]),
    ).rejects.toMatchObject({
      code: "ELR301",
      message: "cancelJobs: item 1: expected the jobId string of a JobRunHandle, got number.",
    });
    await expect(scheduler.cancelJobs(handle.jobId as unknown as string[])).rejects.toMatchObject({
      code: "ELR301",
      message: "cancelJobs: expected an array of jobId strings, got string.",
    });
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("queued");
  });
});
