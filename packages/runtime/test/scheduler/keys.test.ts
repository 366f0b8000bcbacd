import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("enqueue-once keys", () => {
  it("keep: a second enqueue with the key returns the pending job's handle, deduplicated, and nothing new runs", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync]);
    const first = await scheduler.schedule(sync.jobClass, { id: 1 }, clock.now() + 5_000, {
      key: "tenant-7",
    });
    const second = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 1_000, {
      key: "tenant-7",
    });
    expect(first.deduplicated).toBe(false);
    expect(second).toEqual({ ...first, deduplicated: true });
    expect(await scheduler.getJob(first.jobId)).toMatchObject({
      status: "queued",
      key: "tenant-7",
    });
    await clock.advance(5_000);
    expect(probe.calls.map((call) => [call.payload, call.context.jobId])).toEqual([
      [{ id: 1 }, first.jobId],
    ]);
  });

  it("an enqueue without a key has no deduplicated flag and a null JobState.key", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler } = await startHarness([sync]);
    const handle = await scheduler.schedule(
      sync.jobClass,
      { id: 1 },
      Date.parse("2030-01-01T00:00:00Z"),
    );
    expect("deduplicated" in handle).toBe(false);
    expect((await scheduler.getJob(handle.jobId))?.key).toBeNull();
  });

  it("keys are per job name: the same key on two jobs makes two jobs", async () => {
    const sync = testJob("tenant.sync");
    const report = testJob("tenant.report");
    const { scheduler, probe, clock } = await startHarness([sync, report]);
    const a = await scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "tenant-7" });
    const b = await scheduler.enqueue(report.jobClass, { id: 2 }, { key: "tenant-7" });
    expect(a.jobId).not.toBe(b.jobId);
    expect([a.deduplicated, b.deduplicated]).toEqual([false, false]);
    await clock.advance(0);
    expect(probe.calls.map((call) => call.jobName).sort()).toEqual([
      "tenant.report",
      "tenant.sync",
    ]);
  });

  it("replace (debounce): the pending job keeps its id and takes the new payload and due time", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync]);
    const first = await scheduler.schedule(sync.jobClass, { id: 1 }, clock.now() + 60_000, {
      key: "tenant-7",
      onDuplicate: "replace",
    });
    const later = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 10_000, {
      key: "tenant-7",
      onDuplicate: "replace",
    });
    expect(later).toMatchObject({ jobId: first.jobId, runId: first.runId, deduplicated: true });
    expect(later.dueTime.getTime()).toBe(clock.now() + 10_000);
    expect((await scheduler.getJob(first.jobId))?.nextAttemptDueTime?.getTime()).toBe(
      clock.now() + 10_000,
    );
    await clock.advance(10_000);
    expect(
      probe.calls.map((call) => [call.payload, call.context.jobId, call.context.dueTime.getTime()]),
    ).toEqual([[{ id: 2 }, first.jobId, clock.now()]]);
    await clock.advance(60_000);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(first.jobId)).toMatchObject({
      status: "succeeded",
      key: "tenant-7",
    });
  });

  it("replace can move a job later as well as earlier", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync]);
    const first = await scheduler.schedule(sync.jobClass, { id: 1 }, clock.now() + 1_000, {
      key: "k",
    });
    await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 30_000, {
      key: "k",
      onDuplicate: "replace",
    });
    await clock.advance(29_999);
    expect(probe.calls).toHaveLength(0);
    await clock.advance(1);
    expect(probe.calls.map((call) => [call.payload, call.context.jobId])).toEqual([
      [{ id: 2 }, first.jobId],
    ]);
  });

  it("a running job does not hold its key: the next enqueue makes a new pending job", async () => {
    const sync = testJob("tenant.sync");
    const release = deferred();
    const { scheduler, probe, clock } = await startHarness([sync], {
      beforeStart: (probe) => probe.on("tenant.sync", () => release.promise),
    });
    const running = await scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "tenant-7" });
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    // Due a second later, so the new job stays pending (a durable store's dispatcher would claim a due one at once).
    const next = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 1_000, {
      key: "tenant-7",
    });
    expect(next.jobId).not.toBe(running.jobId);
    expect(next.deduplicated).toBe(false);
    const again = await scheduler.schedule(sync.jobClass, { id: 3 }, clock.now() + 1_000, {
      key: "tenant-7",
    });
    expect(again).toMatchObject({ jobId: next.jobId, deduplicated: true });
    probe.on("tenant.sync", () => undefined);
    release.resolve();
    await scheduler.whenIdle();
    await clock.advance(1_000);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("a finished or cancelled job frees its key", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, clock } = await startHarness([sync]);
    const done = await scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "k" });
    await clock.advance(0);
    expect((await scheduler.getJob(done.jobId))?.status).toBe("succeeded");
    const cancelled = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 1_000, {
      key: "k",
    });
    expect(cancelled.jobId).not.toBe(done.jobId);
    expect(await scheduler.cancelJob(cancelled.jobId)).toBe(true);
    const fresh = await scheduler.schedule(sync.jobClass, { id: 3 }, clock.now() + 1_000, {
      key: "k",
    });
    expect(fresh.jobId).not.toBe(cancelled.jobId);
    expect(fresh.deduplicated).toBe(false);
  });

  it("a job waiting for its deferred retry holds its key; replace moves the retry", async () => {
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 2, delay: "10s" });
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync], { policies: [retry] });
    let failures = 0;
    probe.on("tenant.sync", () =>
      failures++ === 0 ? Promise.reject(new Error("flaky")) : undefined,
    );
    const handle = await scheduler.enqueue(
      sync.jobClass,
      { id: 1 },
      { key: "k", resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    const waiting = await scheduler.getJob(handle.jobId);
    expect(waiting).toMatchObject({ status: "waiting-retry", attempt: 2, key: "k" });
    const kept = await scheduler.enqueue(sync.jobClass, { id: 2 }, { key: "k" });
    expect(kept).toMatchObject({
      jobId: handle.jobId,
      runId: waiting!.currentRunId,
      attempt: 2,
      maxAttempts: 3,
      deduplicated: true,
    });
    const moved = await scheduler.schedule(sync.jobClass, { id: 3 }, clock.now() + 2_000, {
      key: "k",
      onDuplicate: "replace",
    });
    expect(moved).toMatchObject({ jobId: handle.jobId, attempt: 2, deduplicated: true });
    expect((await scheduler.getJob(handle.jobId))?.nextAttemptDueTime?.getTime()).toBe(
      clock.now() + 2_000,
    );
    await clock.advance(2_000);
    expect(probe.calls.map((call) => [call.payload, call.context.attempt])).toEqual([
      [{ id: 1 }, 1],
      [{ id: 3 }, 2],
    ]);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("a retry whose key a newer job took meanwhile stays pending without it; the newer job keeps the key", async () => {
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "10s" });
    const sync = testJob("tenant.sync");
    const failing = deferred();
    const { scheduler, probe, clock } = await startHarness([sync], { policies: [retry] });
    probe.on("tenant.sync", (payload) =>
      (payload as { id: number }).id === 1 ? failing.promise : undefined,
    );
    const older = await scheduler.enqueue(
      sync.jobClass,
      { id: 1 },
      { key: "k", resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    const newer = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 60_000, {
      key: "k",
    });
    expect(newer.deduplicated).toBe(false);
    failing.reject(new Error("flaky"));
    await scheduler.whenIdle();
    await clock.advance(0);
    expect(await scheduler.getJob(older.jobId)).toMatchObject({
      status: "waiting-retry",
      key: "k",
    });
    const third = await scheduler.enqueue(sync.jobClass, { id: 3 }, { key: "k" });
    expect(third).toMatchObject({ jobId: newer.jobId, deduplicated: true });
    probe.on("tenant.sync", () => undefined);
    await clock.advance(60_000);
    expect(probe.calls.map((call) => [call.payload, call.context.attempt])).toEqual([
      [{ id: 1 }, 1],
      [{ id: 1 }, 2],
      [{ id: 2 }, 1],
    ]);
  });

  it("bad keys and onDuplicate values are refused with ELR204, naming the job", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler } = await startHarness([sync]);
    await expect(scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "" })).rejects.toMatchObject({
      code: "ELR204",
      message:
        'Invalid key for job "tenant.sync": ""; pass a non-empty string of at most 512 characters, e.g. "order-42".',
    });
    await expect(
      scheduler.enqueue(sync.jobClass, { id: 1 }, { key: 42 as unknown as string }),
    ).rejects.toMatchObject({ code: "ELR204" });
    await expect(
      scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "x".repeat(513) }),
    ).rejects.toThrow(/a string of 513 characters/);
    await expect(
      scheduler.enqueue(sync.jobClass, { id: 1 }, { onDuplicate: "replace" }),
    ).rejects.toMatchObject({
      code: "ELR204",
      message:
        'Invalid options for job "tenant.sync": onDuplicate applies to keyed jobs only; pass a key too, e.g. { key: "order-42", onDuplicate: "replace" }.',
    });
    await expect(
      scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "k", onDuplicate: "merge" as "keep" }),
    ).rejects.toMatchObject({
      code: "ELR204",
      message: 'Invalid onDuplicate for job "tenant.sync": "merge"; use "keep" or "replace".',
    });
  });
});
