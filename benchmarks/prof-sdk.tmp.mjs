import { createScheduler } from "@elarion/runtime";
import { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NoopJob } from "/work/wt-telemetry/benchmarks/dist/fixture/src/jobs/noop-job.js";
import { jobRegistry } from "/work/wt-telemetry/benchmarks/dist/fixture/src/jobs.generated.js";
import { fixtureServices } from "/work/wt-telemetry/benchmarks/dist/src/support/fixture-services.js";
const mode = process.argv[2];
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor({ export: (s, d) => d({ code: 0 }), shutdown: async () => {} })] });
const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: { export: (m, d) => d({ code: 0 }), forceFlush: async () => {}, shutdown: async () => {}, selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE }, exportIntervalMillis: 3600000 })] });
for (let r = 0; r < 3; r++) {
const services = fixtureServices();
const telemetry = mode === "sdk" ? { tracerProvider, meterProvider } : mode === "off" ? false : undefined;
const s = createScheduler({ registry: jobRegistry, services, ...(telemetry === undefined ? {} : { telemetry }) });
await s.start();
const N = 50000;
const t = performance.now();
const all = services.Tally.reached(N);
for (let n = 0; n < N; n++) await s.enqueue(NoopJob, { n });
await all; await s.whenIdle();
console.log(mode, Math.round(N / ((performance.now() - t) / 1000)), "jobs/s");
await s.stop();
}
process.exit(0);
