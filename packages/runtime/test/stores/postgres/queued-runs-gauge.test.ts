/**
 * `scheduler.job.queued` on PostgreSQL: runs queued or waiting for a retry per job name,
 * cluster-wide, read by one query per metric collection.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
} from "@opentelemetry/sdk-metrics";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobScheduler } from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "./workers/worker-jobs.mjs";

let db: TestSchema;
beforeAll(async () => {
  db = await createTestSchema("queuedgauge");
});
afterAll(async () => {
  await db?.drop();
});

const schedulers: JobScheduler[] = [];
const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.stop();
  for (const provider of providers.splice(0)) await provider.shutdown();
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});

function reader(): {
  reader: PeriodicExportingMetricReader;
  queued: () => Promise<Record<string, number>>;
} {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
  });
  return {
    reader: metricReader,
    async queued() {
      exporter.reset();
      await metricReader.forceFlush();
      const points = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
        .filter((metric) => metric.descriptor.name === "scheduler.job.queued")
        .flatMap((metric) => metric.dataPoints as DataPoint<number>[]);
      return Object.fromEntries(
        points.map((point) => [
          String(point.attributes["scheduler.job.name"]),
          point.value as number,
        ]),
      );
    },
  };
}

describe("the scheduler.job.queued gauge (PostgreSQL)", () => {
  it("counts queued runs per job name across processes, reports 0 once a name has none, and reads once per collection", async () => {
    const first = reader();
    const second = reader();
    const meterProvider = new MeterProvider({ readers: [first.reader, second.reader] });
    providers.push(meterProvider);
    const store = postgresStore({ pool: db.pool, schema: db.schema.name });
    const readCounts = store.queuedRunCounts!.bind(store);
    let reads = 0;
    store.queuedRunCounts = () => {
      reads++;
      return readCounts();
    };
    const observed: JobScheduler = createScheduler({
      registry: defineJobDescriptors(workerDescriptors(), []),
      store,
      telemetry: { meterProvider },
    });
    // Another process's scheduler on the same schema: its jobs count too.
    const other: JobScheduler = createScheduler({
      registry: defineJobDescriptors(workerDescriptors(), []),
      store: postgresStore({ pool: db.pool, schema: db.schema.name }),
      telemetry: false,
    });
    schedulers.push(observed, other);
    await observed.start();
    await other.start();

    const inAnHour = Date.now() + 3_600_000;
    const handles = await Promise.all([
      observed.schedule("noop.record", { n: 1 }, inAnHour),
      observed.schedule("noop.record", { n: 2 }, inAnHour),
      other.schedule("noop.record", { n: 3 }, inAnHour),
      other.schedule("slow.block", { holdMs: 1 }, inAnHour),
    ]);
    const [one, two] = await Promise.all([first.queued(), second.queued()]);
    expect(one).toEqual({ "noop.record": 3, "slow.block": 1 });
    expect(two).toEqual(one);
    expect(reads).toBe(1);

    for (const handle of handles.slice(2)) await other.cancelJob(handle.jobId);
    expect(await first.queued()).toEqual({ "noop.record": 2, "slow.block": 0 });
    expect(reads).toBe(2);
  });

  it("a stopped scheduler no longer reads the store", async () => {
    const gauge = reader();
    const meterProvider = new MeterProvider({ readers: [gauge.reader] });
    providers.push(meterProvider);
    const store = postgresStore({ pool: db.pool, schema: db.schema.name });
    const readCounts = store.queuedRunCounts!.bind(store);
    let reads = 0;
    store.queuedRunCounts = () => {
      reads++;
      return readCounts();
    };
    const scheduler: JobScheduler = createScheduler({
      registry: defineJobDescriptors(workerDescriptors(), []),
      store,
      telemetry: { meterProvider },
    });
    await scheduler.start();
    await scheduler.schedule("noop.record", { n: 1 }, Date.now() + 3_600_000);
    expect(await gauge.queued()).toEqual({ "noop.record": 1 });
    await scheduler.stop();
    await gauge.queued();
    await gauge.queued();
    expect(reads).toBe(1);
  });
});
