/**
 * One trace from enqueue to run across processes: this process enqueues under its own span with
 * the OpenTelemetry SDK, a worker process (the built runtime, its own SDK) runs the job, and the
 * worker's run spans are children of this process's enqueue span — the context made the trip
 * through the jobs table. Run `pnpm build` first.
 */
import { trace } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  resiliencePolicy,
  type JobScheduler,
} from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { TelemetrySdk, useAsyncContext } from "../../support/telemetry-sdk.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess, type ReportedSpan } from "./support/worker-process.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "./workers/worker-jobs.mjs";

let db: TestSchema;
let sdk: TelemetrySdk;
let producer: JobScheduler;
let restoreContext: () => void;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  restoreContext = useAsyncContext();
  db = await createTestSchema("traces");
  sdk = new TelemetrySdk();
  producer = createScheduler({
    registry: defineJobDescriptors(workerDescriptors(), []),
    store: postgresStore({ pool: db.pool, schema: db.schema.name }),
    telemetry: sdk.telemetry,
    logger: { warn: () => undefined, error: () => undefined },
  });
  await producer.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});
afterAll(async () => {
  await producer?.stop();
  await sdk?.shutdown();
  await db?.drop();
  restoreContext?.();
});

async function startWorker(name: string): Promise<WorkerProcess> {
  const worker = await WorkerProcess.start({
    databaseUrl: TEST_DATABASE_URL,
    schema: db.schema.name,
    name,
    concurrency: 4,
    telemetry: true,
    pollIntervalMs: 200,
  });
  workers.push(worker);
  return worker;
}

const spansOf = (worker: WorkerProcess, name: string): ReportedSpan[] =>
  worker
    .of("span")
    .map((m) => m.span!)
    .filter((span) => span.name === name);

describe("trace propagation through PostgreSQL", () => {
  it("`scheduler enqueue noop.record` in this process → `scheduled noop.record` in a worker process: one trace, parent and child", async () => {
    const worker = await startWorker("traced");
    const handle = await sdk.tracerProvider
      .getTracer("test")
      .startActiveSpan("POST /signup", async (request) => {
        try {
          return await producer.enqueue("noop.record", { n: 1 });
        } finally {
          request.end();
        }
      });
    const [run] = await worker.until(
      () =>
        spansOf(worker, "scheduled noop.record").length > 0 &&
        spansOf(worker, "scheduled noop.record"),
      "the worker's run span",
    );

    const request = sdk.span("POST /signup");
    const enqueue = sdk.span("scheduler enqueue noop.record");
    expect(enqueue.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(run!.traceId).toBe(enqueue.spanContext().traceId);
    expect(run!.parentSpanId).toBe(enqueue.spanContext().spanId);
    expect(run!.attributes).toMatchObject({
      "scheduler.job.id": handle.jobId,
      "scheduler.job.run_id": handle.runId,
      "scheduler.job.status": "succeeded",
    });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("each deferred retry's run span in the worker is a child of the enqueue span too", async () => {
    const worker = await startWorker("retrying");
    const retry = resiliencePolicy("retry-fast", { maxRetryAttempts: 2, delay: "50ms" });
    const handle = await producer.enqueue(
      "flaky.once",
      { n: 2 },
      { resilience: retry, resilienceMode: "deferred-retry" },
    );
    await waitForState(
      async () => (await producer.getJob(handle.jobId))?.status,
      (status) => status === "succeeded",
      "the flaky job to succeed on its retry",
      20_000,
    );
    const runs = await worker.until(
      () =>
        spansOf(worker, "scheduled flaky.once").length >= 2 &&
        spansOf(worker, "scheduled flaky.once"),
      "both attempts' run spans",
    );

    const enqueue = sdk.spans().find((span) => span.name === "scheduler enqueue flaky.once")!;
    expect(runs.map((run) => run.attributes["scheduler.job.attempt"])).toEqual([1, 2]);
    expect(runs.map((run) => run.attributes["scheduler.job.status"])).toEqual([
      "waiting-retry",
      "succeeded",
    ]);
    expect(runs.map((run) => run.parentSpanId)).toEqual([
      enqueue.spanContext().spanId,
      enqueue.spanContext().spanId,
    ]);
    expect(new Set(runs.map((run) => run.traceId))).toEqual(
      new Set([enqueue.spanContext().traceId]),
    );
  });
});
