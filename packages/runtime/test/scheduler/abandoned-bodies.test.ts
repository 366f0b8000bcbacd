/**
 * Bodies that ignore their abort signal (issue 9, defect 6; docs/semantics.md, "Stop, drain and
 * deadlines"): a per-attempt timeout ends the attempt and frees the job's state at once, stop()
 * returns by its deadline, and the bodies left behind are visible in snapshot().abandonedRuns.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { scenarioStoreIsDurable } from "../support/scenario-store.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

/** Polls `condition` once per macrotask turn, at most 100 turns (a bounded wait, not a sleep). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 100; turn++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition not reached within 100 turns");
}

/** A body that never looks at its signal and settles only when the test says so. */
function stubbornBodies() {
  const releases: (() => void)[] = [];
  return {
    body: () => {
      const settled = deferred();
      releases.push(settled.resolve);
      return settled.promise;
    },
    releaseAll: () => releases.splice(0).forEach((release) => release()),
  };
}

describe("a per-attempt timeout on a body that ignores its signal", () => {
  const timeout = resiliencePolicy("five-seconds", { maxRetryAttempts: 0, timeout: "5s" });

  it("ends the attempt at the timeout: the job fails 'timed out' at once, its overlap gate is free, the body is listed as abandoned until it settles", async () => {
    const slow = testJob("reports.build", { overlap: "skip", overlapExplicit: true });
    const { scheduler, probe, clock } = await startHarness([slow], {
      policies: [timeout],
      maxConcurrentExecutions: 2,
    });
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const first = await scheduler.enqueue(slow.jobClass, { id: 1 }, { resilience: "five-seconds" });
    await clock.advance(0);
    expect(await scheduler.getJob(first.jobId)).toMatchObject({ status: "running" });

    await clock.advance(5_000);
    const state = await scheduler.getJob(first.jobId);
    expect(state?.status).toBe("failed");
    expect(state?.lastError).toMatch(/timed out after 5000 ms/);
    expect(await scheduler.cancelJob(first.jobId)).toBe(false); // terminal: nothing left to cancel
    const snapshot = await scheduler.snapshot();
    expect(snapshot.activeRuns).toEqual([]);
    expect(snapshot.abandonedRuns).toEqual([
      expect.objectContaining({
        runId: first.runId,
        jobId: first.jobId,
        jobName: "reports.build",
        reason: "timed out",
        abandonedAt: new Date(clock.now()),
      }),
    ]);

    // The overlap gate is free: the next run of the same job starts although the old body still runs.
    const second = await scheduler.enqueue(
      slow.jobClass,
      { id: 2 },
      { resilience: "five-seconds" },
    );
    await clock.advance(0);
    expect(probe.calls).toHaveLength(2);
    expect(await scheduler.getJob(second.jobId)).toMatchObject({ status: "running" });

    stubborn.releaseAll();
    await scheduler.whenIdle();
    expect((await scheduler.snapshot()).abandonedRuns).toEqual([]);
    expect(await scheduler.getJob(first.jobId)).toMatchObject({ status: "failed" }); // the late settle changes nothing
    expect(await scheduler.getJob(second.jobId)).toMatchObject({ status: "succeeded" });
  });

  it("the global slot stays with the abandoned body until it settles (it still uses the CPU)", async () => {
    const slow = testJob("reports.build");
    const quick = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([slow, quick], {
      policies: [timeout],
      maxConcurrentExecutions: 1,
    });
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const stuck = await scheduler.enqueue(slow.jobClass, { id: 1 }, { resilience: "five-seconds" });
    await clock.advance(0);
    await clock.advance(5_000);
    const next = await scheduler.enqueue(quick.jobClass, { id: 2 });
    await clock.advance(0);
    expect(probe.callsOf("emails.send")).toHaveLength(0);
    expect(await scheduler.getJob(stuck.jobId)).toMatchObject({ status: "failed" });
    stubborn.releaseAll();
    await scheduler.whenIdle();
    expect(probe.callsOf("emails.send")).toHaveLength(1);
    expect(await scheduler.getJob(next.jobId)).toMatchObject({ status: "succeeded" });
    expect((await scheduler.snapshot()).abandonedRuns).toEqual([]);
  });

  it("a cancel that the body ignores takes effect at the timeout: the job ends cancelled", async () => {
    const slow = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([slow], { policies: [timeout] });
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const handle = await scheduler.enqueue(
      slow.jobClass,
      { id: 1 },
      { resilience: "five-seconds" },
    );
    await clock.advance(0);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "running" });
    await clock.advance(5_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
    stubborn.releaseAll();
  });

  it("deferred retries go on while the timed-out body still runs", async () => {
    const retry = resiliencePolicy("retry-timeout", {
      maxRetryAttempts: 1,
      delay: "1s",
      timeout: "5s",
    });
    const slow = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([slow], { policies: [retry] });
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const handle = await scheduler.enqueue(
      slow.jobClass,
      { id: 1 },
      { resilience: "retry-timeout", resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    await clock.advance(5_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
    });
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(2);
    await clock.advance(5_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 2,
      lastError: expect.stringMatching(/timed out/),
    });
    expect((await scheduler.snapshot()).abandonedRuns).toHaveLength(2);
    stubborn.releaseAll();
    await scheduler.whenIdle();
    expect((await scheduler.snapshot()).abandonedRuns).toEqual([]);
  });
});

describe("stop({ timeoutMs, drain })", () => {
  it("returns by timeoutMs although a body ignores its signal; the run is abandoned, visible in snapshot(), and accounted for", async () => {
    const slow = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([slow]);
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const handle = await scheduler.enqueue(slow.jobClass, { id: 1 });
    await clock.advance(0);
    let returned = false;
    const stopping = scheduler.stop({ timeoutMs: 10_000 }).then(() => (returned = true));
    await clock.advance(9_999);
    expect(returned).toBe(false);
    expect(probe.calls[0]!.context.signal.aborted).toBe(true);
    await clock.advance(1);
    await stopping;
    expect(returned).toBe(true);
    const snapshot = await scheduler.snapshot();
    expect(snapshot.abandonedRuns).toEqual([
      expect.objectContaining({ runId: handle.runId, reason: "scheduler shutdown" }),
    ]);
    if (scenarioStoreIsDurable()) {
      // Its lease is no longer extended: it expires and another worker runs the job again.
      expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "running" });
    } else {
      expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
      expect(snapshot.recentOutcomes[0]).toMatchObject({
        jobId: handle.jobId,
        status: "cancelled",
        message: "scheduler shutdown",
      });
    }
    // The body settling after stop writes nothing and throws nothing.
    stubborn.releaseAll();
    await until(async () => (await scheduler.snapshot()).abandonedRuns.length === 0);
    if (!scenarioStoreIsDurable())
      expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
  });

  it("drain: running bodies are not aborted and finish; runs not started go back (durable) or end cancelled (memory)", async () => {
    const slow = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([slow], { maxConcurrentExecutions: 1 });
    const gate = deferred();
    probe.on("reports.build", () => gate.promise);
    const running = await scheduler.enqueue(slow.jobClass, { id: 1 });
    const waiting = await scheduler.enqueue(slow.jobClass, { id: 2 });
    await clock.advance(0);
    const stopping = scheduler.stop({ drain: true, timeoutMs: 60_000 });
    gate.resolve();
    await stopping;
    expect(probe.calls[0]!.context.signal.aborted).toBe(false);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(running.jobId)).toMatchObject({ status: "succeeded" });
    expect(await scheduler.getJob(waiting.jobId)).toMatchObject({
      status: scenarioStoreIsDurable() ? "queued" : "cancelled",
    });
    expect((await scheduler.snapshot()).abandonedRuns).toEqual([]);
  });

  it("drain with a deadline: a body that never finishes is abandoned at the deadline", async () => {
    const slow = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([slow]);
    const stubborn = stubbornBodies();
    probe.on("reports.build", stubborn.body);
    const handle = await scheduler.enqueue(slow.jobClass, { id: 1 });
    await clock.advance(0);
    const stopping = scheduler.stop({ drain: true, timeoutMs: 1_000 });
    await clock.advance(1_000);
    await stopping;
    expect(probe.calls[0]!.context.signal.aborted).toBe(false);
    expect((await scheduler.snapshot()).abandonedRuns.map((run) => run.jobId)).toEqual([
      handle.jobId,
    ]);
    stubborn.releaseAll();
  });
});
