import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const every = (intervalMs: number) => ({
  kind: "fixed-rate" as const,
  intervalMs,
  initialDelayMs: null,
  runOnStart: false,
});

describe("overlap, group and global slots", () => {
  it("overlap skip: an occurrence due while the previous run is active is recorded skipped / overlap", async () => {
    const tick = testJob("tick", { schedule: every(1_000), supportsRuntimeScheduling: false });
    const { probe, clock, outcomesOf } = await startHarness([tick]);
    const release = deferred();
    probe.on("tick", () => release.promise);
    await clock.advance(2_000);
    expect(probe.calls).toHaveLength(1);
    expect(outcomesOf("tick").map((outcome) => [outcome.status, outcome.message])).toEqual([
      ["skipped", "overlap"],
    ]);
    release.resolve();
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(2);
  });

  it("overlap queue: serialises, coalescing occurrences to one waiter", async () => {
    const tick = testJob("tick", {
      schedule: every(1_000),
      overlap: "queue",
      overlapExplicit: true,
      supportsRuntimeScheduling: false,
    });
    const { probe, clock, outcomesOf, scheduler } = await startHarness([tick]);
    const release = deferred();
    probe.on("tick", () => release.promise);
    await clock.advance(4_000);
    expect(probe.calls).toHaveLength(1);
    expect(outcomesOf("tick").map((outcome) => outcome.message)).toEqual([
      "coalesced",
      "coalesced",
    ]);
    expect((await scheduler.snapshot()).activeRuns).toHaveLength(2);
    probe.on("tick", () => undefined);
    release.resolve();
    await clock.advance(0);
    expect(probe.calls).toHaveLength(2);
    expect(probe.calls[1]!.context.dueTime.getTime()).toBe(Date.parse("2026-01-01T00:00:02Z"));
  });

  it("allow-concurrent with maxConcurrentRuns: runs up to the cap and skips above it / max-concurrency", async () => {
    const tick = testJob("tick", {
      schedule: every(1_000),
      overlap: "allow-concurrent",
      overlapExplicit: true,
      maxConcurrentRuns: 2,
      supportsRuntimeScheduling: false,
    });
    const { probe, clock, outcomesOf } = await startHarness([tick]);
    const release = deferred();
    probe.on("tick", () => release.promise);
    await clock.advance(3_000);
    expect(probe.calls).toHaveLength(2);
    expect(outcomesOf("tick").map((outcome) => [outcome.status, outcome.message])).toEqual([
      ["skipped", "max-concurrency"],
    ]);
    release.resolve();
  });

  it("runtime runs ignore the default overlap policy: two runs of one job run side by side", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    await scheduler.enqueue(email.jobClass, { id: 1 });
    await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(probe.calls).toHaveLength(2);
    release.resolve();
  });

  it("runtime runs obey an explicit overlap: skip", async () => {
    const email = testJob("emails.send", { overlap: "skip", overlapExplicit: true });
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    await scheduler.enqueue(email.jobClass, { id: 1 });
    const second = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    expect((await scheduler.getJob(second.jobId))?.status).toBe("skipped");
    expect((await scheduler.snapshot()).recentOutcomes[0]).toMatchObject({
      status: "skipped",
      message: "overlap",
    });
    release.resolve();
  });

  it("a group serialises different job names", async () => {
    const a = testJob("reports.a", { group: "reports" });
    const b = testJob("reports.b", { group: "reports" });
    const { scheduler, probe, clock } = await startHarness([a, b]);
    const release = deferred();
    probe.on("reports.a", () => release.promise);
    await scheduler.enqueue(a.jobClass, { id: 1 });
    await scheduler.enqueue(b.jobClass, { id: 2 });
    await clock.advance(0);
    expect(probe.calls.map((call) => call.jobName)).toEqual(["reports.a"]);
    release.resolve();
    await clock.advance(0);
    expect(probe.calls.map((call) => call.jobName)).toEqual(["reports.a", "reports.b"]);
  });

  it("a queue waiter does not hold a global slot, so other jobs are not starved", async () => {
    const tick = testJob("tick", {
      schedule: every(1_000),
      overlap: "queue",
      overlapExplicit: true,
      supportsRuntimeScheduling: false,
    });
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([tick, email], {
      maxConcurrentExecutions: 2,
    });
    const release = deferred();
    probe.on("tick", () => release.promise);
    await clock.advance(1_000);
    await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(probe.callsOf("emails.send")).toHaveLength(1);
    release.resolve();
  });

  it("the global slot limit holds runs in FIFO order and starts them as slots free up", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { maxConcurrentExecutions: 2 });
    const releases = [deferred(), deferred(), deferred()];
    probe.on("emails.send", (payload) => releases[(payload as { id: number }).id]?.promise);
    for (const id of [0, 1, 2]) await scheduler.enqueue(email.jobClass, { id });
    await clock.advance(0);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 0 }, { id: 1 }]);
    releases[1]!.resolve();
    await clock.advance(0);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    releases[0]!.resolve();
    releases[2]!.resolve();
  });
});
