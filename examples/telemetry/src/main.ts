import { trace } from "@opentelemetry/api";
import { createScheduler, type JobScheduler, type JobState } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  DatabaseUnreachableError,
  databaseUrl,
  probeDatabase,
  resetSchema,
  schema,
} from "./database.js";
import { jobDescriptors } from "./jobs.generated.descriptors.js";
import { startTelemetry, type PlainSpan } from "./telemetry.js";
import { renderTraces } from "./trace-tree.js";
import type { LauncherMessage, WorkerMessage } from "./worker.js";

const workerScript = fileURLToPath(new URL("./worker.js", import.meta.url));

/**
 * The producer (this process) enqueues `emails.send` inside a request span; a worker process runs
 * it. The enqueue span's context travels with the job through PostgreSQL, so the worker's run span
 * is its child: both processes' spans print as one trace.
 */
async function main(): Promise<void> {
  const telemetry = startTelemetry("producer");
  await probeDatabase();
  await resetSchema();
  console.log(`launcher: schema "${schema}" is empty; starting the worker`);
  const worker = fork(workerScript, { env: process.env });
  const stopped = new Promise<Extract<WorkerMessage, { type: "stopped" }>>((resolve) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "stopped") resolve(message);
    });
  });
  let workerReport: Extract<WorkerMessage, { type: "stopped" }>;
  try {
    await untilReady(worker);
    await produce();
  } finally {
    workerReport = await stopWorker(worker, stopped);
  }
  const spans: PlainSpan[] = [...telemetry.finishedSpans(), ...workerReport.spans];
  console.log(renderTraces(spans));
  for (const line of workerReport.metrics) console.log(`worker metric: ${line}`);
  await telemetry.shutdown();

  const enqueue = spans.find((span) => span.name === "scheduler enqueue emails.send");
  const run = spans.find((span) => span.name === "scheduled emails.send");
  if (
    enqueue === undefined ||
    run === undefined ||
    run.traceId !== enqueue.traceId ||
    run.parentSpanId !== enqueue.spanId ||
    run.process === enqueue.process
  ) {
    throw new Error(
      "the worker's run span is not a child of the producer's enqueue span; see the traces above",
    );
  }
}

async function produce(): Promise<void> {
  // Enqueue-only: the descriptors module, no job classes, no services.
  const scheduler = createScheduler({
    registry: jobDescriptors,
    store: postgresStore({ connectionString: databaseUrl, schema }),
  });
  await scheduler.start();
  try {
    const handle = await trace
      .getTracer("example-telemetry")
      .startActiveSpan("POST /signup", async (request) => {
        try {
          return await scheduler.enqueue("emails.send", {
            to: "ada@example.com",
            subject: "Welcome",
          });
        } finally {
          request.end();
        }
      });
    console.log(
      `producer: enqueued emails.send (jobId ${handle.jobId}) inside the span "POST /signup"`,
    );
    const state = await waitForEnd(scheduler, handle.jobId);
    console.log(`producer: emails.send ${state.status}`);
  } finally {
    await scheduler.stop();
  }
}

async function untilReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`the worker exited with code ${code} before it was ready`)),
    );
  });
}

async function stopWorker(
  child: ChildProcess,
  stopped: Promise<Extract<WorkerMessage, { type: "stopped" }>>,
): Promise<Extract<WorkerMessage, { type: "stopped" }>> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { type: "stopped", spans: [], metrics: [] };
  const exited = once(child, "exit");
  child.send({ type: "stop" } satisfies LauncherMessage);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const report = await Promise.race([
    stopped,
    exited.then(() => ({ type: "stopped", spans: [], metrics: [] }) as const),
  ]);
  await exited;
  clearTimeout(timer);
  return report;
}

/** Polls the job's state in the shared schema until it has ended. */
async function waitForEnd(
  scheduler: JobScheduler,
  jobId: string,
  timeoutMs = 20_000,
): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await scheduler.getJob(jobId);
    if (state !== null && ["succeeded", "failed", "cancelled"].includes(state.status)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `job ${jobId} did not end within ${timeoutMs} ms (last: ${state?.status ?? "unknown"})`,
      );
    await delay(50);
  }
}

try {
  await main();
  console.log("launcher: done");
} catch (error) {
  console.error(
    error instanceof DatabaseUnreachableError
      ? error.message
      : `example-telemetry failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
