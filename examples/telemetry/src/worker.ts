import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { databaseUrl, schema } from "./database.js";
import { jobRegistry } from "./jobs.generated.js";
import { ConsoleMailer } from "./mailer.js";
import { startMetrics, startTelemetry, type PlainSpan } from "./telemetry.js";

/** Messages between the launcher (parent process) and the worker. */
export type LauncherMessage = { readonly type: "stop" };
export type WorkerMessage =
  | { readonly type: "ready" }
  | {
      readonly type: "stopped";
      readonly spans: readonly PlainSpan[];
      readonly metrics: readonly string[];
    };

// Before createScheduler: the scheduler picks up the global providers when it is created.
const telemetry = startTelemetry("worker");
const meters = startMetrics();

function send(message: WorkerMessage): void {
  process.send?.(message);
}

try {
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { Mailer: new ConsoleMailer() },
    store: postgresStore({ connectionString: databaseUrl, schema }),
  });
  await scheduler.start();
  send({ type: "ready" });
  process.on("message", (message: LauncherMessage) => {
    if (message.type !== "stop") return;
    void (async () => {
      await scheduler.stop();
      send({ type: "stopped", spans: telemetry.finishedSpans(), metrics: await meters.summary() });
      await Promise.all([telemetry.shutdown(), meters.shutdown()]);
      process.disconnect?.();
    })().catch((error: unknown) => {
      console.error(
        `worker: stop failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    });
  });
} catch (error) {
  console.error(
    `worker: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
