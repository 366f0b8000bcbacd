/**
 * A wall clock stepped back does not delay due work (issue 9, defect 9): the scheduler runs on a
 * SystemClock whose time source the test steps, on every store.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SystemClock } from "../../src/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { SteppingTimeSource } from "../support/stepping-time-source.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const HOUR = 3_600_000;

/** Polls `condition` on every macrotask turn for at most 10 s of real time (a bounded wait, not a sleep). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const giveUpAt = performance.now() + 10_000;
  while (!(await condition())) {
    if (performance.now() > giveUpAt) throw new Error("condition not reached within 10 s");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("the wall clock stepped back", () => {
  it("a job due in 5 s runs after 5 s of real time, not an hour later; one due in 10 s does not run early", async () => {
    const email = testJob("emails.send");
    const time = new SteppingTimeSource(new Date("2026-06-01T12:00:00Z"));
    const clock = new SystemClock(time);
    const { scheduler, probe } = await startHarness([email], { clock });
    const soon = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 5_000);
    const later = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 10_000);
    await until(() => time.pendingCount > 0); // the dispatcher sleeps until the first due time
    time.advance(1_000);
    time.stepWall(-HOUR);
    time.advance(4_000);
    await until(async () => (await scheduler.getJob(soon.jobId))?.status === "succeeded");
    expect(probe.calls.map((call) => (call.payload as { id: number }).id)).toEqual([1]);
    expect(await scheduler.getJob(later.jobId)).toMatchObject({ status: "queued" });
    time.advance(5_000);
    await until(async () => (await scheduler.getJob(later.jobId))?.status === "succeeded");
    // Every job accounted for: each ran once.
    expect(probe.calls.map((call) => (call.payload as { id: number }).id)).toEqual([1, 2]);
  });
});
