import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("stop under load", () => {
  it("every job is accounted for: succeeded before the stop, or cancelled (never started / shut down)", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], {
      maxConcurrentExecutions: 4,
      maxRetainedCompletedJobs: 10_000,
    });
    probe.on("emails.send", (payload, context) =>
      (payload as { id: number }).id % 3 === 0
        ? new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()))
        : undefined,
    );
    const handles = [];
    for (let id = 0; id < 2_000; id++)
      handles.push(await scheduler.schedule(email.jobClass, { id }, clock.now() + (id % 50) * 10));
    await clock.advance(200);
    await scheduler.stop();
    const states = await Promise.all(handles.map((handle) => scheduler.getJob(handle.jobId)));
    const byStatus = new Map<string, number>();
    for (const state of states) byStatus.set(state!.status, (byStatus.get(state!.status) ?? 0) + 1);
    expect([...byStatus.keys()].sort()).toEqual(["cancelled", "succeeded"]);
    expect((byStatus.get("cancelled") ?? 0) + (byStatus.get("succeeded") ?? 0)).toBe(2_000);
    const started = new Set(probe.calls.map((call) => call.context.jobId));
    for (const [index, state] of states.entries()) {
      if (state!.status === "succeeded") expect(started.has(handles[index]!.jobId)).toBe(true);
    }
    const snapshot = await scheduler.snapshot();
    expect(snapshot.activeRuns).toEqual([]);
    expect(snapshot.queuedRuns).toEqual([]);
  });
});
