/**
 * The metrics a scheduler records after a known sequence of runs, read back through the real
 * OpenTelemetry SDK's metric reader. Scenario file (re-run on PostgreSQL by
 * test/stores/postgres/scheduler-scenarios.test.ts).
 */
import type { Histogram } from "@opentelemetry/sdk-metrics";
import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { TelemetrySdk } from "../support/telemetry-sdk.js";
import { testJob } from "../support/test-registry.js";

const sdks: TelemetrySdk[] = [];
afterEach(async () => {
  await stopAllHarnesses();
  for (const sdk of sdks.splice(0)) await sdk.shutdown();
});

const email = "scheduler.job.name=emails.send";
const report = "scheduler.job.name=reports.build";

describe("metrics", () => {
  it("run counts by status and skip reason, durations and lags in seconds, active runs, operations by outcome", async () => {
    const sdk = new TelemetrySdk();
    sdks.push(sdk);
    const emails = testJob("emails.send");
    const reports = testJob("reports.build", { overlap: "skip", overlapExplicit: true });
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "1s" });
    const { scheduler, clock, probe } = await startHarness([emails, reports], {
      telemetry: sdk.telemetry,
      policies: [retry],
      maxConcurrentExecutions: 4,
    });
    const release = deferred();
    let retriedFailures = 0;
    probe.on("emails.send", (payload) => {
      const id = (payload as { id: number }).id;
      if (id === 3) return Promise.reject(new Error("bounced"));
      if (id === 4 && retriedFailures++ === 0) return Promise.reject(new Error("try again"));
      return undefined;
    });
    probe.on("reports.build", (payload) =>
      (payload as { id: number }).id === 1 ? release.promise : undefined,
    );

    await scheduler.enqueue(emails.jobClass, { id: 1 }); // succeeds
    await scheduler.schedule(emails.jobClass, { id: 2 }, clock.now() - 3_000); // succeeds 3 s late
    await scheduler.enqueue(emails.jobClass, { id: 3 }); // fails
    await scheduler.enqueue(
      emails.jobClass,
      { id: 4 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    ); // fails, then succeeds 1 s later
    await scheduler.enqueue(reports.jobClass, { id: 1 }); // runs for 2 s
    await clock.advance(0);
    await scheduler.enqueue(reports.jobClass, { id: 2 }); // skipped: the first is still running
    await clock.advance(2_000);
    expect(await sdk.sums("scheduler.job.active")).toEqual({ [email]: 0, [report]: 1 });
    release.resolve();
    await scheduler.whenIdle();
    const late = await scheduler.schedule(emails.jobClass, { id: 5 }, clock.now() + 60_000);
    await scheduler.cancelJob(late.jobId); // cancelled before it started
    await scheduler.cancelRun("no-such-run");

    expect(await sdk.sums("scheduler.job.run.count")).toEqual({
      [`${email},scheduler.job.status=succeeded`]: 3,
      [`${email},scheduler.job.status=failed`]: 1,
      [`${email},scheduler.job.status=waiting-retry`]: 1,
      [`${email},scheduler.job.status=cancelled`]: 1,
      [`${report},scheduler.job.status=succeeded`]: 1,
      [`${report},scheduler.job.status=skipped,scheduler.skip.reason=overlap`]: 1,
    });
    expect(await sdk.histograms("scheduler.job.run.duration")).toEqual({
      [`${email},scheduler.job.status=succeeded`]: { count: 3, sum: 0 },
      [`${email},scheduler.job.status=failed`]: { count: 1, sum: 0 },
      [`${email},scheduler.job.status=waiting-retry`]: { count: 1, sum: 0 },
      [`${report},scheduler.job.status=succeeded`]: { count: 1, sum: 2 },
    });
    expect(await sdk.histograms("scheduler.job.run.lag")).toEqual({
      [`${email},scheduler.job.status=succeeded`]: { count: 3, sum: 3 },
      [`${email},scheduler.job.status=failed`]: { count: 1, sum: 0 },
      [`${email},scheduler.job.status=waiting-retry`]: { count: 1, sum: 0 },
      [`${report},scheduler.job.status=succeeded`]: { count: 1, sum: 0 },
    });
    expect(await sdk.sums("scheduler.job.active")).toEqual({ [email]: 0, [report]: 0 });
    expect(await sdk.sums("scheduler.operation.count")).toEqual({
      "scheduler.operation=enqueue,scheduler.operation.outcome=success": 5,
      "scheduler.operation=schedule,scheduler.operation.outcome=success": 2,
      "scheduler.operation=cancel-job,scheduler.operation.outcome=cancelled": 1,
      "scheduler.operation=cancel-run,scheduler.operation.outcome=not-found": 1,
    });
    const operationDurations = await sdk.histograms("scheduler.operation.duration");
    expect(Object.values(operationDurations).map((histogram) => histogram.count)).toEqual([
      5, 2, 1, 1,
    ]);
  });

  it("durations use explicit second buckets from 5 ms to 10 s", async () => {
    const sdk = new TelemetrySdk();
    sdks.push(sdk);
    const emails = testJob("emails.send");
    const { scheduler, clock } = await startHarness([emails], { telemetry: sdk.telemetry });
    await scheduler.enqueue(emails.jobClass, { id: 1 });
    await clock.advance(0);
    for (const instrument of [
      "scheduler.job.run.duration",
      "scheduler.job.run.lag",
      "scheduler.operation.duration",
    ]) {
      const [point] = await sdk.points(instrument);
      expect((point!.value as Histogram).buckets.boundaries).toEqual([
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
      ]);
    }
  });
});
