import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ACME_NEW_CRON, runAdmin } from "./admin.js";
import { DatabaseUnreachableError, probeDatabase, resetSchema, schema } from "./database.js";
import type { WorkerEvent } from "./worker-identity.js";
import type { LauncherMessage, WorkerMessage } from "./worker.js";

const workerScript = fileURLToPath(new URL("./worker.js", import.meta.url));
const workerNames = ["worker-a", "worker-b"];

/** Starts two workers, runs the admin against them, stops everything, then checks every slot ran once. */
async function main(): Promise<void> {
  await probeDatabase();
  await resetSchema();
  console.log(`launcher: schema "${schema}" is empty; starting ${workerNames.join(" and ")}`);
  const events: WorkerEvent[] = [];
  const workers = workerNames.map((name) => {
    const child = fork(workerScript, { env: { ...process.env, WORKER_NAME: name } });
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "event") events.push(message.event);
    });
    return child;
  });
  let report;
  try {
    await Promise.all(workers.map(untilReady));
    report = await runAdmin();
    await delay(500); // the last slots' reports are in flight over IPC
  } finally {
    await Promise.all(workers.map(stopWorker));
  }
  check(events, report.acmeChangedAt);
  const sync = events.filter((event) => event.kind === "sync");
  if (sync.length !== 1 || report.syncJob.status !== "succeeded")
    throw new Error(`expected one sync of globex, saw ${sync.length}`);
  console.log(
    `launcher: the webhook burst ran as one sync, with the last webhook's payload (${sync[0]!.kind === "sync" ? sync[0]!.webhooks : "?"} webhooks)`,
  );
}

/** Every slot of every tenant ran exactly once, in one of the workers, and none was skipped. */
function check(events: readonly WorkerEvent[], acmeChangedAt: number): void {
  const reports = events.filter(
    (event): event is Extract<WorkerEvent, { kind: "report" }> => event.kind === "report",
  );
  const byTenant = new Map<string, number[]>();
  for (const event of reports)
    byTenant.set(event.tenant, [...(byTenant.get(event.tenant) ?? []), Date.parse(event.slot)]);
  for (const [tenant, slots] of byTenant) {
    slots.sort((a, b) => a - b);
    for (let index = 1; index < slots.length; index++) {
      const gap = slots[index]! - slots[index - 1]!;
      const expected =
        tenant === "acme"
          ? slots[index]! < acmeChangedAt
            ? 1_000
            : slots[index - 1]! >= acmeChangedAt
              ? 3_000
              : null
          : tenant === "globex"
            ? 2_000
            : 1_500;
      if (gap === 0)
        throw new Error(`${tenant}: slot ${new Date(slots[index]!).toISOString()} ran twice`);
      if (expected !== null ? gap !== expected : gap > 3_000)
        throw new Error(
          `${tenant}: ${gap} ms between slots ${new Date(slots[index - 1]!).toISOString()} and ${new Date(slots[index]!).toISOString()}`,
        );
    }
    if (
      tenant === "acme" &&
      !slots.some((slot) => slot >= acmeChangedAt && new Date(slot).getUTCSeconds() % 3 === 0)
    ) {
      throw new Error(`acme never ran on its new cron "${ACME_NEW_CRON}"`);
    }
  }
  const share = workerNames
    .map((name) => `${name} ran ${reports.filter((event) => event.worker === name).length}`)
    .join(", ");
  const counts = [...byTenant].map(([tenant, slots]) => `${tenant} ${slots.length}`).join(", ");
  console.log(
    `launcher: ${reports.length} report slots (${counts}), each ran once with no slot missed; ${share}`,
  );
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
      : `example-tenant-reports failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
