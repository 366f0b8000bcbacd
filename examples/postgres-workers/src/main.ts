import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { DatabaseUnreachableError, probeDatabase, resetSchema, schema } from "./database.js";
import { runProducer } from "./producer.js";
import type { LauncherMessage, WorkerMessage } from "./worker.js";

const workerScript = fileURLToPath(new URL("./worker.js", import.meta.url));
const workerNames = ["worker-a", "worker-b"];

/** Starts two workers, runs the producer against them, then stops everything. */
async function main(): Promise<void> {
  await probeDatabase();
  await resetSchema();
  console.log(`launcher: schema "${schema}" is empty; starting ${workerNames.join(" and ")}`);

  const ranBy = new Map<string, number>();
  const workers = workerNames.map((name) => {
    const child = fork(workerScript, { env: { ...process.env, WORKER_NAME: name } });
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "event" && message.event.outcome === "done") {
        ranBy.set(message.event.worker, (ranBy.get(message.event.worker) ?? 0) + 1);
      }
    });
    return child;
  });
  try {
    await Promise.all(workers.map(untilReady));
    await runProducer();
    const share = workerNames.map((name) => `${name} ran ${ranBy.get(name) ?? 0}`).join(", ");
    console.log(`launcher: ${share}; stopping the workers`);
  } finally {
    await Promise.all(workers.map(stopWorker));
  }
}

async function untilReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`a worker exited with code ${code} before it was ready`)),
    );
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.send({ type: "stop" } satisfies LauncherMessage);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

try {
  await main();
  console.log("launcher: done");
} catch (error) {
  console.error(
    error instanceof DatabaseUnreachableError
      ? error.message
      : `example-postgres-workers failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
