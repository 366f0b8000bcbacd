import { afterEach, describe, expect, it } from "vitest";
import { NonRetryableError, resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

function failTimes(times: number): () => Promise<void> {
  let failures = 0;
  return () =>
    failures++ < times ? Promise.reject(new Error(`failure ${failures}`)) : Promise.resolve();
}

describe("deferred retry", () => {
  const retry = resiliencePolicy("retry", {
    maxRetryAttempts: 3,
    delay: "1s",
    backoff: "exponential",
  });

  it("succeeds on a later attempt: same jobId, a new runId per attempt, backoff delays, slots released between", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], {
      policies: [retry],
      maxConcurrentExecutions: 1,
    });
    probe.on("emails.send", failTimes(2));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    expect(handle.maxAttempts).toBe(4);
    await clock.advance(0);
    const waiting = await scheduler.getJob(handle.jobId);
    expect(waiting).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
      maxAttempts: 4,
      lastError: "failure 1",
    });
    expect(waiting?.nextAttemptDueTime?.getTime()).toBe(clock.now() + 1_000);
    const snapshot = await scheduler.snapshot();
    expect(snapshot.activeRuns).toEqual([]);
    expect(snapshot.queuedRuns.map((run) => run.runId)).toEqual([waiting!.currentRunId]);
    expect(snapshot.jobs[0]!.nextDueTime?.getTime()).toBe(clock.now() + 1_000);

    await clock.advance(1_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 3,
      lastError: "failure 2",
    });
    await clock.advance(1_999);
    expect(probe.calls).toHaveLength(2);
    await clock.advance(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded", attempt: 3 });
    const contexts = probe.calls.map((call) => call.context);
    expect(new Set(contexts.map((context) => context.jobId))).toEqual(new Set([handle.jobId]));
    expect(new Set(contexts.map((context) => context.runId)).size).toBe(3);
    expect(contexts.map((context) => [context.attempt, context.maxAttempts])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  it("a failed attempt is its job name's latest outcome in snapshot().recentOutcomes until a newer one", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([email, report], { policies: [retry] });
    probe.on("emails.send", failTimes(1));
    const earlier = await scheduler.enqueue(report.jobClass, { id: 0 });
    await clock.advance(0);
    await clock.advance(500);
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);

    const failedAt = clock.now();
    const afterFailure = await scheduler.snapshot();
    expect(
      afterFailure.recentOutcomes.map((outcome) => [
        outcome.jobName,
        outcome.runId,
        outcome.status,
        outcome.message,
      ]),
    ).toEqual([
      ["emails.send", handle.runId, "failed", "failure 1"],
      ["reports.build", earlier.runId, "succeeded", null],
    ]);
    expect(afterFailure.recentOutcomes[0]).toMatchObject({
      jobId: handle.jobId,
      isRuntimeScheduled: true,
      completedAt: new Date(failedAt),
    });
    expect(afterFailure.recentOutcomes[0]!.startedAt?.getTime()).toBe(failedAt);

    await clock.advance(1_000);
    const retried = await scheduler.getJob(handle.jobId);
    expect(retried?.status).toBe("succeeded");
    const afterRetry = await scheduler.snapshot();
    expect(afterRetry.recentOutcomes[0]).toMatchObject({
      jobName: "emails.send",
      runId: retried!.currentRunId,
      status: "succeeded",
      message: null,
    });
  });

  it("exhaustion ends failed after maxRetryAttempts + 1 attempts", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", failTimes(100));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(60_000);
    expect(probe.calls).toHaveLength(4);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 4,
      lastError: "failure 4",
    });
  });

  it("a NonRetryableError fails at once", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", () => Promise.reject(new NonRetryableError("bad address")));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(60_000);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 1,
      lastError: "bad address",
    });
  });

  it("an unknown policy with deferred mode makes schedule throw", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    await expect(
      scheduler.schedule(email.jobClass, { id: 1 }, clock.now(), {
        resilience: "nope",
        resilienceMode: "deferred-retry",
      }),
    ).rejects.toThrow(/Unknown resilience policy "nope"/);
  });

  it("a deferred retry is never skipped for overlap: it waits for the active run", async () => {
    const email = testJob("emails.send", { overlap: "skip", overlapExplicit: true });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    const blocker = deferred();
    probe.on("emails.send", (payload) =>
      (payload as { id: number }).id === 1 ? Promise.reject(new Error("once")) : blocker.promise,
    );
    const retried = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    probe.on("emails.send", (payload) =>
      (payload as { id: number }).id === 1 ? undefined : blocker.promise,
    );
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(2);
    expect((await scheduler.snapshot()).activeRuns.map((run) => run.jobId)).toContain(
      retried.jobId,
    );
    blocker.resolve();
    await clock.advance(0);
    expect(await scheduler.getJob(retried.jobId)).toMatchObject({
      status: "succeeded",
      attempt: 2,
    });
  });
});

describe("inline retry", () => {
  it("retries inside one run: one runId, attempt and maxAttempts stay 1, linear backoff through the clock", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", {
      maxRetryAttempts: 2,
      delay: "1s",
      backoff: "linear",
    });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", failTimes(2));
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 }, { resilience: "retry" });
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "running" });
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(2);
    await clock.advance(1_999);
    expect(probe.calls).toHaveLength(2);
    await clock.advance(1);
    expect(probe.calls).toHaveLength(3);
    expect(new Set(probe.calls.map((call) => call.context.runId))).toEqual(new Set([handle.runId]));
    expect(
      probe.calls.every((call) => call.context.attempt === 1 && call.context.maxAttempts === 1),
    ).toBe(true);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "succeeded",
      currentRunId: handle.runId,
    });
  });

  it("the job's own policy applies when schedule passes none", async () => {
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: 0 });
    const email = testJob("emails.send", { resilience: "retry" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", failTimes(1));
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(probe.calls).toHaveLength(2);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded" });
  });

  it("a per-attempt timeout aborts the signal and fails the attempt with a 'timed out' message at once; the body keeps the global slot until it settles", async () => {
    const slow = testJob("reports.slow");
    const other = testJob("emails.send");
    const timeout = resiliencePolicy("timeout", { maxRetryAttempts: 0, timeout: "5s" });
    const { scheduler, probe, clock } = await startHarness([slow, other], {
      policies: [timeout],
      maxConcurrentExecutions: 1,
    });
    const bodySettles = deferred();
    probe.on("reports.slow", () => bodySettles.promise);
    const handle = await scheduler.enqueue(slow.jobClass, { id: 1 }, { resilience: "timeout" });
    await scheduler.enqueue(other.jobClass, { id: 2 });
    await clock.advance(5_000);
    const context = probe.calls[0]!.context;
    expect(context.signal.aborted).toBe(true);
    expect((context.signal.reason as DOMException).name).toBe("TimeoutError");
    expect(probe.callsOf("emails.send")).toHaveLength(0);
    const state = await scheduler.getJob(handle.jobId);
    expect((await scheduler.snapshot()).abandonedRuns.map((run) => run.runId)).toEqual([
      handle.runId,
    ]);
    bodySettles.resolve();
    await clock.advance(0);
    await scheduler.whenIdle();
    expect(state?.status).toBe("failed");
    expect(state?.lastError).toContain("timed out");
    expect(state?.lastError).toContain("reports.slow");
    expect(state?.lastError).toContain(handle.runId);
    expect(probe.callsOf("emails.send")).toHaveLength(1);
  });

  it("a timed-out attempt is retried with a fresh signal", async () => {
    const slow = testJob("reports.slow");
    const policy = resiliencePolicy("timeout", { maxRetryAttempts: 1, delay: "1s", timeout: "5s" });
    const { scheduler, probe, clock } = await startHarness([slow], { policies: [policy] });
    probe.on("reports.slow", (_payload, context) =>
      probe.calls.length === 1
        ? new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()))
        : undefined,
    );
    const handle = await scheduler.enqueue(slow.jobClass, { id: 1 }, { resilience: "timeout" });
    await clock.advance(6_000);
    expect(probe.calls).toHaveLength(2);
    expect(probe.calls[1]!.context.signal.aborted).toBe(false);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded" });
  });

  it("cancel between inline attempts ends the run cancelled without another attempt", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 3, delay: "10s" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", () => Promise.reject(new Error("flaky")));
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 }, { resilience: "retry" });
    await clock.advance(0);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    await clock.advance(60_000);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
  });
});
