/**
 * `createScheduler({ telemetry })`: left out it follows the global OpenTelemetry providers, `false`
 * emits nothing even with an SDK registered, explicit providers take precedence, bad values are
 * rejected with a coded error.
 */
import { metrics, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { TelemetrySdk } from "../support/telemetry-sdk.js";
import { testJob, testRegistry } from "../support/test-registry.js";
import { Probe } from "../support/probe.js";

const sdks: TelemetrySdk[] = [];
afterEach(async () => {
  await stopAllHarnesses();
  trace.disable();
  metrics.disable();
  for (const sdk of sdks.splice(0)) await sdk.shutdown();
});

function globalSdk(): TelemetrySdk {
  const sdk = new TelemetrySdk();
  sdks.push(sdk);
  expect(trace.setGlobalTracerProvider(sdk.tracerProvider)).toBe(true);
  expect(metrics.setGlobalMeterProvider(sdk.meterProvider)).toBe(true);
  return sdk;
}

async function enqueueAndRun(options: Parameters<typeof startHarness>[1]): Promise<void> {
  const email = testJob("emails.send");
  const { scheduler, clock } = await startHarness([email], options);
  const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
  await scheduler.cancelJob(handle.jobId);
  await scheduler.enqueue(email.jobClass, { id: 2 });
  await clock.advance(0);
}

describe("the telemetry option", () => {
  it("left out: spans and metrics go to the global providers", async () => {
    const sdk = globalSdk();
    await enqueueAndRun({});
    expect(sdk.spans().map((span) => span.name)).toEqual([
      "scheduler enqueue emails.send",
      "scheduled emails.send cancelled",
      "scheduler cancel job",
      "scheduler enqueue emails.send",
      "scheduled emails.send",
    ]);
    expect(sdk.spans()[0]!.instrumentationScope.name).toBe("@elarion/runtime");
    expect(await sdk.sums("scheduler.job.run.count")).toEqual({
      "scheduler.job.name=emails.send,scheduler.job.status=cancelled": 1,
      "scheduler.job.name=emails.send,scheduler.job.status=succeeded": 1,
    });
  });

  it("an SDK registered after createScheduler: spans from then on (the API's proxy delegates); metrics only from a meter provider registered before", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    const sdk = globalSdk();
    await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(sdk.spans().map((span) => span.name)).toEqual([
      "scheduler enqueue emails.send",
      "scheduled emails.send",
    ]);
    expect(sdk.spans()[1]!.parentSpanContext?.spanId).toBe(sdk.spans()[0]!.spanContext().spanId);
    expect(await sdk.points("scheduler.job.run.count")).toEqual([]);
  });

  it("false: nothing at all, even with an SDK registered globally", async () => {
    const sdk = globalSdk();
    await enqueueAndRun({ telemetry: false });
    expect(sdk.spans()).toEqual([]);
    for (const instrument of [
      "scheduler.job.run.count",
      "scheduler.job.run.duration",
      "scheduler.job.active",
      "scheduler.operation.count",
    ]) {
      expect(await sdk.points(instrument)).toEqual([]);
    }
  });

  it("explicit providers take precedence over the global ones", async () => {
    const global = globalSdk();
    const own = new TelemetrySdk();
    sdks.push(own);
    await enqueueAndRun({ telemetry: own.telemetry });
    expect(global.spans()).toEqual([]);
    expect(await global.points("scheduler.job.run.count")).toEqual([]);
    expect(own.spans()).toHaveLength(5);
    expect(await own.points("scheduler.job.run.count")).toHaveLength(2);
  });

  it("one provider given: the other comes from the global API", async () => {
    const global = globalSdk();
    const own = new TelemetrySdk();
    sdks.push(own);
    await enqueueAndRun({ telemetry: { tracerProvider: own.tracerProvider } });
    expect(own.spans()).toHaveLength(5);
    expect(global.spans()).toEqual([]);
    expect(await global.points("scheduler.job.run.count")).toHaveLength(2);
  });

  it("rejects what is not false or providers, naming the option (ELR101)", () => {
    const make = (telemetry: unknown) => () =>
      createScheduler({
        registry: testRegistry([testJob("emails.send")]),
        services: { Probe: new Probe() },
        clock: new ManualClock(),
        telemetry: telemetry as never,
      });
    expect(make(true)).toThrow(
      expect.objectContaining({
        code: "ELR101",
        message: expect.stringContaining(
          "telemetry must be false or { tracerProvider?, meterProvider? }",
        ),
      }),
    );
    expect(make({ tracerProvider: {} })).toThrow(
      expect.objectContaining({
        code: "ELR101",
        message: expect.stringContaining("telemetry.tracerProvider must be"),
      }),
    );
    expect(make({ meterProvider: "global" })).toThrow(
      expect.objectContaining({
        code: "ELR101",
        message: expect.stringContaining("telemetry.meterProvider must be"),
      }),
    );
  });
});
