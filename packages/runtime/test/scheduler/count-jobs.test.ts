import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const ZERO = {
  queued: 0,
  running: 0,
  "waiting-retry": 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  skipped: 0,
};

describe("countJobs", () => {
  it("counts runtime jobs in every status, zeros included, for every job or one job name", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "1m" });
    const { scheduler, probe, clock } = await startHarness([email, report], { policies: [retry] });
    expect(await scheduler.countJobs()).toEqual(ZERO);

    const hold = deferred();
    probe.on("emails.send", (payload) => {
      const id = (payload as { id: number }).id;
      if (id >= 10) throw new Error(`boom ${id}`);
      if (id === 5) return hold.promise;
      return undefined;
    });
    for (const id of [1, 2, 3]) await scheduler.enqueue(email.jobClass, { id });
    for (const id of [10, 11]) await scheduler.enqueue(email.jobClass, { id });
    await scheduler.enqueue(
      email.jobClass,
      { id: 12 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await scheduler.enqueue(email.jobClass, { id: 5 });
    await clock.advance(0);
    await scheduler.schedule(report.jobClass, { id: 20 }, clock.now() + 60_000);
    const cancelled = await scheduler.schedule(report.jobClass, { id: 21 }, clock.now() + 60_000);
    await scheduler.cancelJob(cancelled.jobId);

    expect(await scheduler.countJobs()).toEqual({
      ...ZERO,
      succeeded: 3,
      failed: 2,
      "waiting-retry": 1,
      running: 1,
      queued: 1,
      cancelled: 1,
    });
    expect(await scheduler.countJobs({ jobName: "emails.send" })).toEqual({
      ...ZERO,
      succeeded: 3,
      failed: 2,
      "waiting-retry": 1,
      running: 1,
    });
    expect(await scheduler.countJobs({ jobName: "reports.build" })).toEqual({
      ...ZERO,
      queued: 1,
      cancelled: 1,
    });
    expect(await scheduler.countJobs({ jobName: "no.such.job" })).toEqual(ZERO);

    hold.resolve();
    await clock.advance(60_000);
    expect(await scheduler.countJobs({ jobName: "emails.send" })).toEqual({
      ...ZERO,
      succeeded: 4,
      failed: 3,
    });
    expect(await scheduler.countJobs({ jobName: "reports.build" })).toEqual({
      ...ZERO,
      succeeded: 1,
      cancelled: 1,
    });
  });

  it("counts what retention keeps: dropped jobs are no longer counted", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email], { maxRetainedCompletedJobs: 2 });
    for (const id of [1, 2, 3, 4]) {
      await scheduler.enqueue(email.jobClass, { id });
      await clock.advance(1);
    }
    expect(await scheduler.countJobs()).toEqual({ ...ZERO, succeeded: 2 });
  });
});
