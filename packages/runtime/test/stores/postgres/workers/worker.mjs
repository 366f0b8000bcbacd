// A worker process for the multi-process tests: a real scheduler on postgresStore, built from the
// package's dist (run `pnpm build` first). It reports over the IPC channel what it runs.
//
// Config (env ELARION_WORKER, JSON): { databaseUrl, schema, name, concurrency, leaseMs?,
// heartbeatMs?, pollIntervalMs?, recurring?, slowRecurring?, applicationName?, poolMode?, holdSlowJobs? (slow.block then waits for an abort),
// telemetry? (an OpenTelemetry SDK whose finished spans are reported as { type: "span", span }) }
// Commands (IPC): { type: "stop" }; { type: "schedule-keyed", key, count, dueMs } (reports "scheduled").
import pg from "pg";
import { createScheduler, defineJobRegistry } from "../../../../dist/index.js";
import { postgresStore } from "../../../../dist/stores/postgres/index.js";
import { workerDescriptors } from "./worker-jobs.mjs";

const config = JSON.parse(process.env.ELARION_WORKER ?? "{}");
const report = (message) => process.send?.({ worker: config.name, ...message });

const bodies = {
  // Records each execution; the test counts them per job id.
  "noop.record": async (_payload, context) => {
    report({ type: "ran", jobId: context.jobId, runId: context.runId, attempt: context.attempt });
  },
  // Runs until aborted, or for payload.holdMs when given.
  "slow.block": async (payload, context) => {
    report({ type: "started", jobId: context.jobId, runId: context.runId });
    await new Promise((resolve, reject) => {
      const onAbort = () => {
        report({
          type: "aborted",
          jobId: context.jobId,
          runId: context.runId,
          reason: String(context.signal.reason?.message ?? context.signal.reason),
        });
        reject(context.signal.reason);
      };
      if (context.signal.aborted) return onAbort();
      context.signal.addEventListener("abort", onAbort, { once: true });
      if (typeof payload?.holdMs === "number" && config.holdSlowJobs !== true)
        setTimeout(resolve, payload.holdMs);
    });
    report({ type: "ran", jobId: context.jobId, runId: context.runId, attempt: context.attempt });
  },
  // Fails its first attempt, succeeds on the next.
  "flaky.once": async (_payload, context) => {
    if (context.attempt === 1) throw new Error("first attempt fails");
    report({ type: "ran", jobId: context.jobId, runId: context.runId, attempt: context.attempt });
  },
  // Reports how late it started against its due time.
  "timed.probe": async (_payload, context) => {
    report({
      type: "timed",
      jobId: context.jobId,
      dueMs: context.dueTime.getTime(),
      startedMs: Date.now(),
    });
  },
  // An occurrence of a schedule defined at run time: reports its slot and payload.
  "schedule.slot": async (payload, context) => {
    report({ type: "slot", jobId: context.jobId, dueMs: context.dueTime.getTime(), payload });
  },
  // A recurring job every second whose runs take 1.5 s: reports each body's start and end.
  "recurring.slow": async (context) => {
    const startedMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    report({ type: "window", dueMs: context.dueTime.getTime(), startedMs, endedMs: Date.now() });
  },
  // A recurring job every second, claimed once per slot across processes.
  "recurring.tick": async (context) => {
    report({ type: "tick", dueMs: context.dueTime.getTime() });
  },
};

class WorkerJob {}
const jobs = workerDescriptors({
  recurring: config.recurring === true,
  slowRecurring: config.slowRecurring === true,
}).map((descriptor) => ({
  descriptor,
  jobClass: descriptor.supportsRuntimeScheduling ? class extends WorkerJob {} : null,
  invoke: descriptor.supportsRuntimeScheduling
    ? (_services, payload, context) => bodies[descriptor.name](payload, context)
    : (_services, _payload, context) => bodies[descriptor.name](context),
}));

// poolMode: "pool" (default; a pool with its own 'error' listener), "bare-pool" (the README's
// snippet: a pool with no listener, which the store must keep from crashing the process) or
// "connection-string" (the store creates and owns its pool).
const poolMode = config.poolMode ?? "pool";
const poolConfig = {
  connectionString: config.databaseUrl,
  max: 4,
  application_name: config.applicationName ?? "elarion-test-worker",
};
const pool = poolMode === "connection-string" ? null : new pg.Pool(poolConfig);
if (poolMode === "pool") pool.on("error", () => undefined);
const store = postgresStore({
  ...(pool === null
    ? { connectionString: `${config.databaseUrl}?application_name=${poolConfig.application_name}` }
    : { pool }),
  schema: config.schema,
  ...(config.leaseMs ? { leaseMs: config.leaseMs } : {}),
  ...(config.heartbeatMs ? { heartbeatMs: config.heartbeatMs } : {}),
  ...(config.pollIntervalMs ? { pollIntervalMs: config.pollIntervalMs } : {}),
});
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const telemetry = config.telemetry === true ? await spanReportingTelemetry() : false;
const scheduler = createScheduler({
  registry: defineJobRegistry(jobs, []),
  services: () => ({}),
  store,
  maxConcurrentExecutions: config.concurrency ?? 8,
  // Keep every finished job, so tests can check each one's final state.
  maxRetainedCompletedJobs: 100_000,
  logger: quiet,
  telemetry,
});

/** The OpenTelemetry SDK, every finished span sent to the test as plain data. */
async function spanReportingTelemetry() {
  const { BasicTracerProvider, SimpleSpanProcessor } = await import(
    "@opentelemetry/sdk-trace-base"
  );
  const exporter = {
    export(spans, done) {
      for (const span of spans) {
        const context = span.spanContext();
        report({
          type: "span",
          span: {
            name: span.name,
            traceId: context.traceId,
            spanId: context.spanId,
            parentSpanId: span.parentSpanContext?.spanId ?? null,
            attributes: span.attributes,
          },
        });
      }
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  return {
    tracerProvider: new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }),
  };
}

process.on("message", async (message) => {
  if (message?.type === "schedule-keyed") {
    // A burst of keyed schedules, all in flight at once, due later (so the one job stays pending).
    const { key, count, dueMs } = message;
    const handles = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        scheduler.schedule("noop.record", { i }, dueMs, { key }),
      ),
    );
    report({
      type: "scheduled",
      jobIds: handles.map((h) => h.jobId),
      deduplicated: handles.filter((h) => h.deduplicated).length,
    });
    return;
  }
  if (message?.type === "stop") {
    await scheduler.stop();
    await (pool === null ? store.end() : pool.end());
    process.exit(0);
  }
});

await scheduler.start();
report({ type: "ready", workerId: store.workerId });
