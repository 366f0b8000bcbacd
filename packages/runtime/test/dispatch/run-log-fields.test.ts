/**
 * Log lines about a run carry its job name, job id and run id, and the trace id of its span when
 * telemetry gave it one — the same id a trace backend shows, so logs and traces find each other.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { TelemetrySdk } from "../support/telemetry-sdk.js";
import { testJob } from "../support/test-registry.js";

const sdks: TelemetrySdk[] = [];
afterEach(async () => {
  await stopAllHarnesses();
  for (const sdk of sdks.splice(0)) await sdk.shutdown();
});

describe("log lines about a run", () => {
  it("a failure and a retry name the job, the job id, the run id and the run span's trace id", async () => {
    const sdk = new TelemetrySdk();
    sdks.push(sdk);
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "1s" });
    const { scheduler, clock, probe, logger } = await startHarness([email], {
      telemetry: sdk.telemetry,
      policies: [retry],
    });
    probe.on("emails.send", () => Promise.reject(new Error("mailbox full")));
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    await clock.advance(1_000);

    const runs = sdk.spans().filter((span) => span.name === "scheduled emails.send");
    expect(runs).toHaveLength(2);
    const [retryLine, failureLine] = logger.entries;
    expect(retryLine).toMatchObject({
      level: "warn",
      details: {
        jobName: "emails.send",
        jobId: handle.jobId,
        runId: handle.runId,
        traceId: runs[0]!.spanContext().traceId,
        error: "mailbox full",
      },
    });
    expect(failureLine).toMatchObject({
      level: "error",
      details: {
        jobName: "emails.send",
        jobId: handle.jobId,
        runId: runs[1]!.attributes["scheduler.job.run_id"],
        traceId: runs[1]!.spanContext().traceId,
      },
    });
    expect(failureLine!.details!["error"]).toBeInstanceOf(Error);
  });

  it("without telemetry the same fields, and no trace id", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock, probe, logger } = await startHarness([email], { telemetry: false });
    probe.on("emails.send", () => Promise.reject(new Error("mailbox full")));
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    expect(logger.entries).toHaveLength(1);
    expect(Object.keys(logger.entries[0]!.details!).sort()).toEqual([
      "error",
      "jobId",
      "jobName",
      "runId",
    ]);
    expect(logger.entries[0]!.details).toMatchObject({
      jobName: "emails.send",
      jobId: handle.jobId,
      runId: handle.runId,
    });
  });
});
