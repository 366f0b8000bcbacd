import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("runtime jobs", () => {
  it("enqueue runs the job once with the exact payload and a context describing the run", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 42 },
      { correlationId: "order-7" },
    );
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    const [call] = probe.calls;
    expect(call!.payload).toEqual({ id: 42 });
    expect(call!.context.jobId).toBe(handle.jobId);
    expect(call!.context.runId).toBe(handle.runId);
    expect(call!.context.jobName).toBe("emails.send");
    expect(call!.context.attempt).toBe(1);
    expect(call!.context.maxAttempts).toBe(1);
    expect(call!.context.isRuntimeScheduled).toBe(true);
    expect(call!.context.correlationId).toBe("order-7");
    expect(call!.context.dueTime.getTime()).toBe(clock.now());
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("succeeded");
  });

  it('a disabled job (enabled: false) accepts runs but never runs them: each is recorded skipped / "disabled" at its due time', async () => {
    const email = testJob("emails.send", { enabled: false });
    const { scheduler, probe, clock, outcomesOf } = await startHarness([email]);
    const now = await scheduler.enqueue(email.jobClass, { id: 1 });
    const later = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 60_000);
    await clock.advance(0);
    await scheduler.whenIdle();
    expect((await scheduler.getJob(now.jobId))?.status).toBe("skipped");
    expect((await scheduler.getJob(later.jobId))?.status).toBe("queued");

    await clock.advance(60_000);
    await scheduler.whenIdle();
    expect(probe.calls).toEqual([]);
    const laterState = await scheduler.getJob(later.jobId);
    expect(laterState?.status).toBe("skipped");
    expect(laterState?.completedAt?.getTime()).toBe(clock.now());
    expect(
      outcomesOf("emails.send").map((outcome) => [
        outcome.runId,
        outcome.status,
        outcome.message,
        outcome.startedAt,
      ]),
    ).toEqual([
      [now.runId, "skipped", "disabled", null],
      [later.runId, "skipped", "disabled", null],
    ]);
    const snapshot = await scheduler.snapshot();
    expect(
      snapshot.recentOutcomes.find((outcome) => outcome.jobName === "emails.send"),
    ).toMatchObject({ runId: later.runId, status: "skipped", message: "disabled" });
  });

  it("getJob reports the payload the job was scheduled with, queued and after it ran (the dashboard's job page shows it)", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const payload = { id: 7, note: "<script>alert('x')</script>", nested: { list: [1, "two"] } };
    const handle = await scheduler.schedule(email.jobClass, payload, clock.now() + 60_000);
    expect((await scheduler.getJob(handle.jobId))?.payload).toEqual(payload);
    await clock.advance(60_000);
    await scheduler.whenIdle();
    const state = await scheduler.getJob(handle.jobId);
    expect(state?.status).toBe("succeeded");
    expect(state?.payload).toEqual(payload);
  });

  it("job and run ids are distinct UUIDv7 strings", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(handle.jobId).toMatch(uuidV7);
    expect(handle.runId).toMatch(uuidV7);
    expect(handle.jobId).not.toBe(handle.runId);
  });

  it("a future run does not start before its due time and starts exactly at it", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const due = clock.now() + 60_000;
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, new Date(due));
    await clock.advance(59_999);
    expect(probe.calls).toHaveLength(0);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("queued");
    await clock.advance(1);
    expect(probe.calls).toHaveLength(1);
    expect(probe.calls[0]!.context.startedAt.getTime()).toBe(due);
    expect(probe.calls[0]!.context.schedulingLagMs).toBe(0);
  });

  it("a past due time runs at once, without advancing the clock", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe } = await startHarness([email]);
    const started = deferred();
    probe.on("emails.send", () => started.resolve());
    await scheduler.schedule(email.jobClass, { id: 1 }, Date.parse("2020-01-01T00:00:00Z"));
    await started.promise;
    expect(probe.calls).toHaveLength(1);
  });

  it("jobs due at the same instant run in the order they were scheduled", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { maxConcurrentExecutions: 1 });
    const due = clock.now() + 1_000;
    for (const id of [1, 2, 3]) await scheduler.schedule(email.jobClass, { id }, due);
    await clock.advance(1_000);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("schedule by job name is the same as by class", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    await scheduler.schedule("emails.send", { id: 5 }, clock.now());
    await clock.advance(0);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 5 }]);
  });

  it("getJob reports a failed job with its error, and the logger receives the failure", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock, logger } = await startHarness([email]);
    probe.on("emails.send", () => Promise.reject(new Error("smtp down")));
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    const state = await scheduler.getJob(handle.jobId);
    expect(state).toMatchObject({
      status: "failed",
      lastError: "smtp down",
      attempt: 1,
      maxAttempts: 1,
      nextAttemptDueTime: null,
    });
    expect(state?.completedAt?.getTime()).toBe(clock.now());
    expect(
      logger.entries.some(
        (entry) => entry.level === "error" && entry.message.includes("smtp down"),
      ),
    ).toBe(true);
  });

  it("a job that throws synchronously or rejects with a non-Error never breaks the dispatcher", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    probe.on("emails.send", (payload) => {
      const { id } = payload as { id: number };
      if (id === 1) throw new Error("sync boom");
      if (id === 2) return Promise.reject({ code: 7 });
      if (id === 3) throw "plain string";
      return undefined;
    });
    const handles = [];
    for (const id of [1, 2, 3, 4]) handles.push(await scheduler.enqueue(email.jobClass, { id }));
    await clock.advance(0);
    const states = await Promise.all(handles.map((handle) => scheduler.getJob(handle.jobId)));
    expect(states.map((state) => [state?.status, state?.lastError])).toEqual([
      ["failed", "sync boom"],
      ["failed", 'non-Error thrown: {"code":7}'],
      ["failed", "plain string"],
      ["succeeded", null],
    ]);
  });
});
