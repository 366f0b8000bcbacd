import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { databaseUrl, schema } from "./database.js";
import { jobRegistry } from "./jobs.generated.js";
import type { WorkerEvent, WorkerIdentity } from "./worker-identity.js";

/** Messages between the launcher (parent process) and a worker. */
export type LauncherMessage = { readonly type: "stop" };
export type WorkerMessage =
  | { readonly type: "ready"; readonly worker: string }
  | { readonly type: "event"; readonly event: WorkerEvent };

const name = process.env["WORKER_NAME"] ?? `worker-${process.pid}`;

const identity: WorkerIdentity = {
  name,
  report(event) {
    console.log(`  [${event.worker}] ${event.jobName} ${event.detail}`);
    send({ type: "event", event });
  },
};

function send(message: WorkerMessage): void {
  process.send?.(message);
}

try {
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { WorkerIdentity: identity },
    store: postgresStore({ connectionString: databaseUrl, schema }),
    maxConcurrentExecutions: 4,
  });
  await scheduler.start();
  send({ type: "ready", worker: name });
  process.on("message", (message: LauncherMessage) => {
    if (message.type !== "stop") return;
    scheduler.stop().then(
      () => process.disconnect?.(),
      (error: unknown) => {
        console.error(
          `[${name}] stop failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      },
    );
  });
} catch (error) {
  console.error(
    `[${name}] could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
