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
    console.log(
      event.kind === "report"
        ? `  [${name}] report of ${event.tenant} for slot ${event.slot}`
        : `  [${name}] sync of ${event.tenant} after ${event.webhooks} webhooks`,
    );
    process.send?.({ type: "event", event } satisfies WorkerMessage);
  },
};

try {
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { WorkerIdentity: identity },
    // A short poll: the example's slots are a second apart. NOTIFY wakes the workers at once anyway.
    store: postgresStore({ connectionString: databaseUrl, schema, pollIntervalMs: 500 }),
    maxConcurrentExecutions: 4,
  });
  await scheduler.start();
  process.send?.({ type: "ready", worker: name } satisfies WorkerMessage);
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
