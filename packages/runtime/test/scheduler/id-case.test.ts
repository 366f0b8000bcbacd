import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("ids compare without regard to case, the same on every store", () => {
  it("an upper-case job or run id finds, cancels and retries the job; the answers carry the canonical lower-case ids", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock, probe } = await startHarness([email]);
    const byJob = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    const byRun = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 60_000);
    const untouched = await scheduler.schedule(email.jobClass, { id: 3 }, clock.now() + 60_000);

    const found = await scheduler.getJob(byJob.jobId.toUpperCase());
    expect(found).toMatchObject({
      jobId: byJob.jobId,
      currentRunId: byJob.runId,
      status: "queued",
    });
    expect(await scheduler.cancelJob(byJob.jobId.toUpperCase())).toBe(true);
    expect(await scheduler.cancelRun(byRun.runId.toUpperCase())).toBe(true);
    expect(await scheduler.cancelJob(byJob.jobId.toUpperCase())).toBe(false); // already terminal

    const retried = await scheduler.retryJob(byRun.jobId.toUpperCase());
    expect(retried?.jobId).toBe(byRun.jobId);
    await clock.advance(60_000);
    await scheduler.whenIdle();

    // Every job accounted for.
    expect(await scheduler.getJob(byJob.jobId)).toMatchObject({ status: "cancelled" });
    expect(await scheduler.getJob(byRun.jobId)).toMatchObject({ status: "succeeded" });
    expect(await scheduler.getJob(untouched.jobId)).toMatchObject({ status: "succeeded" });
    expect(probe.calls.map((call) => (call.payload as { id: number }).id).sort()).toEqual([2, 3]);
  });

  it("ids that are not UUIDs (braces, no hyphens, garbage) find nothing on every store", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    for (const id of [
      `{${handle.jobId}}`,
      handle.jobId.replaceAll("-", ""),
      ` ${handle.jobId}`,
      "",
      "not-an-id",
    ]) {
      expect(await scheduler.getJob(id), id).toBeNull();
      expect(await scheduler.cancelJob(id), id).toBe(false);
      expect(await scheduler.cancelRun(id), id).toBe(false);
    }
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "queued" });
  });
});
