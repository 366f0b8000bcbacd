import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

/** mulberry32: a small seeded PRNG, so a failing interleaving can be replayed from its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("cancel vs dispatch interleavings (property)", () => {
  it("10,000 random interleavings never start a job whose cancel returned true while it was queued", async () => {
    const SEED = 0xe1a7;
    const random = seededRandom(SEED);
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], {
      maxConcurrentExecutions: 3,
      maxRetainedCompletedJobs: 20_000,
    });
    probe.on("emails.send", () => (random() < 0.5 ? undefined : Promise.resolve()));
    const cancelledWhileQueued = new Set<string>();
    const handles: { jobId: string; runId: string }[] = [];
    for (let step = 0; step < 10_000; step++) {
      const action = random();
      if (action < 0.45) {
        const delay = random() < 0.3 ? 0 : Math.floor(random() * 400);
        handles.push(await scheduler.schedule(email.jobClass, { id: step }, clock.now() + delay));
      } else if (action < 0.8 && handles.length > 0) {
        const recent = Math.min(handles.length, 30);
        const target = handles[handles.length - 1 - Math.floor(random() * recent)]!;
        const before = await scheduler.getJob(target.jobId);
        const byRun = random() < 0.5;
        const result = byRun
          ? await scheduler.cancelRun(target.runId)
          : await scheduler.cancelJob(target.jobId);
        const startedByNow = probe.calls.some((call) => call.context.jobId === target.jobId);
        if (result && !startedByNow) cancelledWhileQueued.add(target.jobId);
        if (
          before !== null &&
          ["succeeded", "failed", "cancelled", "skipped"].includes(before.status)
        ) {
          expect(result, `seed ${SEED}, step ${step}: cancel of a terminal job`).toBe(false);
        }
      } else {
        await clock.advance(Math.floor(random() * 20));
      }
    }
    await clock.advance(1_000);
    const started = new Set(probe.calls.map((call) => call.context.jobId));
    const violations = [...cancelledWhileQueued].filter((jobId) => started.has(jobId));
    expect(violations).toEqual([]);
    expect(cancelledWhileQueued.size).toBeGreaterThan(300);
    expect(started.size).toBeGreaterThan(500);
    for (const jobId of cancelledWhileQueued)
      expect((await scheduler.getJob(jobId))?.status).toBe("cancelled");
  });
});
