import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("retryJob", () => {
  it("gives a failed job a new run: same jobId, new runId, attempt 1; it runs again and succeeds", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    let failing = true;
    probe.on("emails.send", () => {
      if (failing) throw new Error("smtp down");
    });
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      lastError: "smtp down",
    });

    failing = false;
    const retried = await scheduler.retryJob(handle.jobId);
    expect(retried).toEqual({
      jobId: handle.jobId,
      runId: expect.any(String),
      jobName: "emails.send",
      dueTime: new Date(clock.now()),
      attempt: 1,
      maxAttempts: 1,
    });
    expect(retried!.runId).not.toBe(handle.runId);
    await clock.advance(0);
    expect(
      probe.calls.map((call) => [call.context.jobId, call.context.runId, call.context.attempt]),
    ).toEqual([
      [handle.jobId, handle.runId, 1],
      [handle.jobId, retried!.runId, 1],
    ]);
    expect(probe.calls[1]!.payload).toEqual({ id: 1 });
    const state = await scheduler.getJob(handle.jobId);
    // The job keeps its identity and history: creation time, and the error of its last failure.
    expect(state).toMatchObject({
      status: "succeeded",
      currentRunId: retried!.runId,
      attempt: 1,
      lastError: "smtp down",
    });
    expect(state!.createdAt.getTime()).toBe(Date.parse("2026-01-01T00:00:00Z"));
  });

  it("a deferred-retry job counts its attempts afresh, with the same maxAttempts and policy", async () => {
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 2, delay: "1s" });
    const { scheduler, probe, clock } = await startHarness([email], { policies: [retry] });
    probe.on("emails.send", () => {
      throw new Error(`failure ${probe.calls.length}`);
    });
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(10_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 3,
      maxAttempts: 3,
      lastError: "failure 3",
    });

    const retried = await scheduler.retryJob(handle.jobId);
    expect(retried).toMatchObject({ jobId: handle.jobId, attempt: 1, maxAttempts: 3 });
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
      maxAttempts: 3,
      lastError: "failure 4",
    });
    await clock.advance(10_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 3,
      lastError: "failure 6",
    });
    expect(probe.calls.map((call) => [call.context.attempt, call.context.maxAttempts])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it("a cancelled job, retried at a later due time, waits for it and keeps its place in listJobs", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const older = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    await clock.advance(1);
    const newer = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 60_000);
    expect(await scheduler.cancelJob(older.jobId)).toBe(true);

    const dueTime = new Date(clock.now() + 5_000);
    const retried = await scheduler.retryJob(older.jobId, { dueTime });
    expect(retried).toMatchObject({ jobId: older.jobId, dueTime, attempt: 1 });
    expect(await scheduler.getJob(older.jobId)).toMatchObject({
      status: "queued",
      nextAttemptDueTime: dueTime,
      completedAt: null,
    });
    expect((await scheduler.listJobs()).jobs.map((job) => job.jobId)).toEqual([
      newer.jobId,
      older.jobId,
    ]);
    await clock.advance(4_999);
    expect(probe.calls).toHaveLength(0);
    await clock.advance(1);
    expect(probe.calls.map((call) => call.context.runId)).toEqual([retried!.runId]);
  });

  it("the earlier run id no longer names the job's run: cancelRun of it is false, of the new one true", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    await scheduler.cancelJob(handle.jobId);
    const retried = await scheduler.retryJob(handle.jobId, { dueTime: clock.now() + 60_000 });
    expect(await scheduler.cancelRun(handle.runId)).toBe(false);
    expect(await scheduler.cancelRun(retried!.runId)).toBe(true);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "cancelled",
      currentRunId: retried!.runId,
    });
  });

  it("null for an unknown job and for one that is not failed or cancelled; nothing changes", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const hold = deferred();
    probe.on("emails.send", (payload) =>
      (payload as { id: number }).id === 2 ? hold.promise : undefined,
    );
    const succeeded = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    const running = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    const queued = await scheduler.schedule(email.jobClass, { id: 3 }, clock.now() + 60_000);
    for (const handle of [succeeded, running, queued]) {
      const before = await scheduler.getJob(handle.jobId);
      expect(await scheduler.retryJob(handle.jobId)).toBeNull();
      expect(await scheduler.getJob(handle.jobId)).toEqual(before);
    }
    expect(await scheduler.retryJob("0192f4c1-7a2b-7c3d-8e4f-0123456789ab")).toBeNull();
    expect(await scheduler.retryJob("not-an-id")).toBeNull();
    hold.resolve();
  });

  it("a retried job is retained as a job that finished when its new run ends", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], {
      maxRetainedCompletedJobs: 2,
    });
    probe.on("emails.send", (payload) => {
      if ((payload as { id: number }).id === 1 && probe.calls.length === 1)
        throw new Error("first attempt fails");
    });
    const a = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(1);
    const b = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(1);
    // Due beyond the PostgreSQL store's look-ahead (a run due within ~80 ms may be leased ahead
    // and read as running until due; docs/postgres.md): this test is about retention.
    await scheduler.retryJob(a.jobId, { dueTime: clock.now() + 1_000 });
    const c = await scheduler.enqueue(email.jobClass, { id: 3 });
    await clock.advance(1);
    // Finished: b, c. The retried job is pending: retention must not drop it, nor count it twice.
    expect((await scheduler.getJob(a.jobId))?.status).toBe("queued");
    expect((await scheduler.getJob(b.jobId))?.status).toBe("succeeded");
    await clock.advance(1_000);
    // Finished, oldest first: b, c, a. Two are kept.
    expect(await scheduler.getJob(b.jobId)).toBeNull();
    expect((await scheduler.getJob(c.jobId))?.status).toBe("succeeded");
    expect((await scheduler.getJob(a.jobId))?.status).toBe("succeeded");
  });

  it("bad input is a clear error; before start it is ELR001", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    await scheduler.cancelJob(handle.jobId);
    await expect(
      scheduler.retryJob(handle.jobId, { dueTime: new Date(Number.NaN) }),
    ).rejects.toMatchObject({ name: "RangeError", code: "ELR203" });
    await expect(scheduler.retryJob(42 as unknown as string)).rejects.toMatchObject({
      code: "ELR301",
    });
    await expect(scheduler.retryJob(handle.jobId, "soon" as never)).rejects.toMatchObject({
      code: "ELR301",
    });
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
    await scheduler.stop();
    await expect(scheduler.retryJob(handle.jobId)).rejects.toMatchObject({ code: "ELR001" });
  });
});
