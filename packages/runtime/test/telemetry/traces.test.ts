/**
 * The spans a scheduler emits, read back from the real OpenTelemetry SDK (in-memory exporter).
 * Scenario file: test/stores/postgres/scheduler-scenarios.test.ts re-runs it on PostgreSQL, where
 * the enqueue span's context makes the round trip through the database.
 */
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resiliencePolicy, type ScheduleSpec } from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { TelemetrySdk, useAsyncContext } from "../support/telemetry-sdk.js";
import { testJob } from "../support/test-registry.js";

let restoreContext: () => void;
beforeAll(() => {
  restoreContext = useAsyncContext();
});
afterAll(() => restoreContext());

const sdks: TelemetrySdk[] = [];
afterEach(async () => {
  await stopAllHarnesses();
  for (const sdk of sdks.splice(0)) await sdk.shutdown();
});

function newSdk(): TelemetrySdk {
  const sdk = new TelemetrySdk();
  sdks.push(sdk);
  return sdk;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

describe("traces", () => {
  it("one trace from the caller's span through `scheduler enqueue` to `scheduled`, with the body's own spans inside the run span", async () => {
    const sdk = newSdk();
    const email = testJob("emails.send");
    const { scheduler, clock, probe } = await startHarness([email], { telemetry: sdk.telemetry });
    const tracer = sdk.tracerProvider.getTracer("app");
    let activeInBody: string | undefined;
    probe.on("emails.send", () => {
      activeInBody = trace.getActiveSpan()?.spanContext().spanId;
      tracer.startSpan("smtp send").end();
    });

    const handle = await tracer.startActiveSpan("POST /signup", async (request) => {
      try {
        return await scheduler.enqueue(email.jobClass, { id: 1 }, { correlationId: "order-42" });
      } finally {
        request.end();
      }
    });
    await clock.advance(0);

    const request = sdk.span("POST /signup");
    const enqueue = sdk.span("scheduler enqueue emails.send");
    const run = sdk.span("scheduled emails.send");
    const smtp = sdk.span("smtp send");
    expect(parentOf(enqueue)).toBe(idOf(request));
    expect(parentOf(run)).toBe(idOf(enqueue));
    expect(parentOf(smtp)).toBe(idOf(run));
    expect(activeInBody).toBe(idOf(run));
    expect(new Set([request, enqueue, run, smtp].map(traceOf)).size).toBe(1);
    expect([enqueue.kind, run.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(enqueue.attributes).toMatchObject({
      "scheduler.operation": "enqueue",
      "scheduler.operation.outcome": "success",
      "scheduler.job.name": "emails.send",
      "scheduler.job.id": handle.jobId,
      "scheduler.job.run_id": handle.runId,
      "scheduler.job.attempt": 1,
      "scheduler.job.max_attempts": 1,
      "scheduler.job.correlation_id": "order-42",
    });
    expect(run.attributes).toMatchObject({
      "scheduler.job.name": "emails.send",
      "scheduler.job.id": handle.jobId,
      "scheduler.job.run_id": handle.runId,
      "scheduler.job.attempt": 1,
      "scheduler.job.max_attempts": 1,
      "scheduler.job.status": "succeeded",
      "scheduler.job.correlation_id": "order-42",
      "scheduler.job.scheduling_lag_ms": 0,
      "scheduler.job.runtime_scheduled": true,
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("`scheduler schedule {name}` without a caller span starts the trace; the run reports its scheduling lag", async () => {
    const sdk = newSdk();
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email], { telemetry: sdk.telemetry });
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() - 2_500);
    await clock.advance(0);

    const schedule = sdk.span("scheduler schedule emails.send");
    const run = sdk.span("scheduled emails.send");
    expect(schedule.parentSpanContext).toBeUndefined();
    expect(parentOf(run)).toBe(idOf(schedule));
    expect(traceOf(run)).toBe(traceOf(schedule));
    expect(schedule.attributes).toMatchObject({
      "scheduler.operation": "schedule",
      "scheduler.job.id": handle.jobId,
    });
    expect(run.attributes["scheduler.job.scheduling_lag_ms"]).toBe(2_500);
  });

  it("a failed run: span status error with the exception recorded, status attribute failed", async () => {
    const sdk = newSdk();
    const email = testJob("emails.send");
    const { scheduler, clock, probe } = await startHarness([email], { telemetry: sdk.telemetry });
    probe.on("emails.send", () => Promise.reject(new TypeError("mailbox full")));
    await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);

    const run = sdk.span("scheduled emails.send");
    expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: "mailbox full" });
    expect(run.attributes["scheduler.job.status"]).toBe("failed");
    const exception = run.events.find((event) => event.name === "exception");
    expect(exception?.attributes).toMatchObject({
      "exception.type": "TypeError",
      "exception.message": "mailbox full",
    });
  });

  it("deferred retries: every attempt's run span is a child of the enqueue span; failed attempts carry the `retry scheduled` event", async () => {
    const sdk = newSdk();
    const email = testJob("emails.send");
    const retry = resiliencePolicy("retry", {
      maxRetryAttempts: 3,
      delay: "1s",
      backoff: "exponential",
    });
    const { scheduler, clock, probe } = await startHarness([email], {
      telemetry: sdk.telemetry,
      policies: [retry],
    });
    let failures = 0;
    probe.on("emails.send", () =>
      failures++ < 2 ? Promise.reject(new Error(`failure ${failures}`)) : undefined,
    );
    const handle = await scheduler.enqueue(
      email.jobClass,
      { id: 1 },
      { resilience: "retry", resilienceMode: "deferred-retry" },
    );
    const startMs = clock.now();
    await clock.advance(3_000);

    const enqueue = sdk.span("scheduler enqueue emails.send");
    const runs = sdk.spans().filter((span) => span.name === "scheduled emails.send");
    expect(runs.map((run) => run.attributes["scheduler.job.attempt"])).toEqual([1, 2, 3]);
    expect(runs.map(parentOf)).toEqual([idOf(enqueue), idOf(enqueue), idOf(enqueue)]);
    expect(new Set(runs.map(traceOf))).toEqual(new Set([traceOf(enqueue)]));
    expect(new Set(runs.map((run) => run.attributes["scheduler.job.run_id"])).size).toBe(3);
    expect(runs.map((run) => run.attributes["scheduler.job.id"])).toEqual([
      handle.jobId,
      handle.jobId,
      handle.jobId,
    ]);
    expect(runs.map((run) => run.attributes["scheduler.job.status"])).toEqual([
      "waiting-retry",
      "waiting-retry",
      "succeeded",
    ]);
    const retryEvents = runs.map(
      (run) => run.events.find((event) => event.name === "retry scheduled")?.attributes,
    );
    expect(retryEvents).toEqual([
      {
        "scheduler.job.next_attempt": 2,
        "scheduler.job.next_due_time": new Date(startMs + 1_000).toISOString(),
        "scheduler.job.retry_delay_ms": 1_000,
      },
      {
        "scheduler.job.next_attempt": 3,
        "scheduler.job.next_due_time": new Date(startMs + 3_000).toISOString(),
        "scheduler.job.retry_delay_ms": 2_000,
      },
      undefined,
    ]);
    expect(runs[0]!.events.find((event) => event.name === "exception")?.attributes).toMatchObject({
      "exception.message": "failure 1",
    });
  });

  it("a run skipped for overlap: `scheduled {name} skipped` with its reason, in the job's trace", async () => {
    const sdk = newSdk();
    const report = testJob("reports.build", { overlap: "skip", overlapExplicit: true });
    const { scheduler, clock, probe } = await startHarness([report], { telemetry: sdk.telemetry });
    const release = deferred();
    probe.on("reports.build", () => release.promise);
    await scheduler.enqueue(report.jobClass, { id: 1 });
    await clock.advance(0);
    await scheduler.enqueue(report.jobClass, { id: 2 });
    await clock.advance(0);
    release.resolve();
    await scheduler.whenIdle();

    const enqueues = sdk.spans().filter((span) => span.name === "scheduler enqueue reports.build");
    const skipped = sdk.span("scheduled reports.build skipped");
    expect(parentOf(skipped)).toBe(idOf(enqueues[1]!));
    expect(skipped.attributes).toMatchObject({
      "scheduler.job.status": "skipped",
      "scheduler.skip.reason": "overlap",
      "scheduler.job.name": "reports.build",
    });
    expect(sdk.span("scheduled reports.build").attributes["scheduler.job.status"]).toBe(
      "succeeded",
    );
  });

  it("cancel before the start: `scheduled {name} cancelled` in the job's trace, and the cancel operations' own spans", async () => {
    const sdk = newSdk();
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email], { telemetry: sdk.telemetry });
    const handle = await scheduler.schedule(email.jobClass, { id: 1 }, clock.now() + 60_000);
    expect(await scheduler.cancelJob(handle.jobId)).toBe(true);
    expect(await scheduler.cancelRun(handle.runId)).toBe(false);
    await clock.advance(120_000);

    const schedule = sdk.span("scheduler schedule emails.send");
    const cancelled = sdk.span("scheduled emails.send cancelled");
    expect(parentOf(cancelled)).toBe(idOf(schedule));
    expect(cancelled.attributes).toMatchObject({
      "scheduler.job.status": "cancelled",
      "scheduler.job.id": handle.jobId,
      "scheduler.job.run_id": handle.runId,
    });
    expect(sdk.spans().filter((span) => span.name === "scheduled emails.send")).toEqual([]);
    expect(sdk.span("scheduler cancel job").attributes).toMatchObject({
      "scheduler.operation": "cancel-job",
      "scheduler.job.id": handle.jobId,
      "scheduler.operation.outcome": "cancelled",
    });
    expect(sdk.span("scheduler cancel run").attributes).toMatchObject({
      "scheduler.operation": "cancel-run",
      "scheduler.job.run_id": handle.runId,
      "scheduler.operation.outcome": "not-found",
    });
  });

  it("recurring runs get run spans too, each the root of its own trace", async () => {
    const sdk = newSdk();
    const schedule: ScheduleSpec = {
      kind: "fixed-rate",
      intervalMs: 1_000,
      initialDelayMs: null,
      runOnStart: true,
    };
    const tick = testJob("tick", { schedule, supportsRuntimeScheduling: false });
    const { clock } = await startHarness([tick], { telemetry: sdk.telemetry });
    await clock.advance(1_500);

    const runs = sdk.spans().filter((span) => span.name === "scheduled tick");
    expect(runs).toHaveLength(2);
    expect(runs.map((run) => run.parentSpanContext)).toEqual([undefined, undefined]);
    expect(new Set(runs.map(traceOf)).size).toBe(2);
    expect(runs[0]!.attributes).toMatchObject({
      "scheduler.job.name": "tick",
      "scheduler.job.runtime_scheduled": false,
      "scheduler.job.status": "succeeded",
    });
  });
});
