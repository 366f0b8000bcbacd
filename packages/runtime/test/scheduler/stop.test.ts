import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { scenarioStoreIsDurable } from "../support/scenario-store.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("stop", () => {
  it("aborts active runs with reason 'scheduler shutdown', waits for their bodies, and records them cancelled", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe } = await startHarness([email]);
    const bodyDone = deferred();
    let settledBeforeStopReturned = false;
    probe.on(
      "emails.send",
      (_payload, context) =>
        new Promise<void>((resolve) =>
          context.signal.addEventListener("abort", () => {
            void bodyDone.promise.then(() => {
              settledBeforeStopReturned = true;
              resolve();
            });
          }),
        ),
    );
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await probe.whenCalls(1);
    bodyDone.resolve();
    await scheduler.stop();
    expect(settledBeforeStopReturned).toBe(true);
    const signal = probe.calls[0]!.context.signal;
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).message).toBe("scheduler shutdown");
    expect((await scheduler.snapshot()).recentOutcomes[0]).toMatchObject({
      jobId: handle.jobId,
      status: "cancelled",
      message: "scheduler shutdown",
    });
  });

  it("shutdown while waiting for a slot: the waiting run never starts and ends cancelled / scheduler shutdown", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { maxConcurrentExecutions: 1 });
    probe.on(
      "emails.send",
      (_payload, context) =>
        new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve())),
    );
    await scheduler.enqueue(email.jobClass, { id: 1 });
    const waiting = await scheduler.enqueue(email.jobClass, { id: 2 });
    const future = await scheduler.schedule(email.jobClass, { id: 3 }, clock.now() + 60_000);
    await clock.advance(0);
    await scheduler.stop();
    expect(probe.calls).toHaveLength(1);
    const snapshot = await scheduler.snapshot();
    expect(snapshot.activeRuns).toEqual([]);
    if (scenarioStoreIsDurable()) {
      // The queue outlives this process: both runs stay queued for the other workers.
      expect(await scheduler.getJob(waiting.jobId)).toMatchObject({ status: "queued" });
      expect(await scheduler.getJob(future.jobId)).toMatchObject({ status: "queued" });
      expect(snapshot.queuedRuns.map((run) => run.jobId)).toEqual([waiting.jobId, future.jobId]);
      return;
    }
    expect(await scheduler.getJob(waiting.jobId)).toMatchObject({ status: "cancelled" });
    expect(await scheduler.getJob(future.jobId)).toMatchObject({ status: "cancelled" });
    expect(snapshot.queuedRuns).toEqual([]);
  });

  it("leaves no timer behind and ignores clock movement afterwards", async () => {
    const tick = testJob("tick", {
      schedule: { kind: "fixed-rate", intervalMs: 1_000, initialDelayMs: null, runOnStart: false },
      supportsRuntimeScheduling: false,
    });
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([tick, email]);
    await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 5_000);
    await clock.advance(0);
    expect(clock.pendingTimerCount).toBeGreaterThan(0);
    await scheduler.stop();
    expect(clock.pendingTimerCount).toBe(0);
    await clock.advance(10_000);
    expect(probe.calls).toHaveLength(0);
  });

  it("snapshot and getJob keep answering after stop; schedule and cancel throw clear errors; stop is idempotent", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    await scheduler.stop();
    await scheduler.stop();
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("succeeded");
    expect((await scheduler.snapshot()).jobs).toHaveLength(1);
    await expect(scheduler.enqueue(email.jobClass, { id: 2 })).rejects.toThrow(
      /scheduler is stopped/,
    );
    await expect(scheduler.cancelJob(handle.jobId)).rejects.toThrow(/scheduler is stopped/);
    await expect(scheduler.start()).rejects.toThrow(/already stopped/);
  });

  it("a process with a stopped scheduler has no timer keeping it alive (system clock timers are unref'd)", async () => {
    const { systemClock } = await import("../../src/index.js");
    const fired = deferred<boolean>();
    const timer = systemClock.setTimer(Date.now() + 60_000, () => fired.resolve(true));
    const handle = (timer as unknown as { handle: NodeJS.Timeout }).handle;
    expect(handle.hasRef()).toBe(false);
    timer.cancel();
  });
});
