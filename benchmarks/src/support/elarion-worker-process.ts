import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { Ledger } from "../../fixture/src/ledger.js";
import { Tally } from "../../fixture/src/tally.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { benchPool } from "./postgres.js";

/** What the parent sends: start working, or stop and report. */
export type WorkerCommand = { readonly type: "start" } | { readonly type: "stop" };
/** What a worker process reports: ready to start, bodies run so far (with its CPU ms since start), or stopped. */
export type WorkerReport =
  | { readonly type: "ready" }
  | { readonly type: "ran"; readonly count: number; readonly cpuMs: number }
  | { readonly type: "stopped"; readonly count: number; readonly cpuMs: number };

/** How a worker process is configured: `node elarion-worker-process.js '<json>'`. */
export interface WorkerProcessOptions {
  readonly schema: string;
  readonly concurrency: number;
  readonly poolSize: number;
}

/**
 * One Elarion worker process for the scaling suite, forked with an IPC channel: connects, says
 * `ready`, starts its scheduler on `start`, reports its running count of no-op bodies (at most
 * once per event-loop turn), and on `stop` stops, reports its final count and exits.
 */
async function main(options: WorkerProcessOptions): Promise<void> {
  const send = (report: WorkerReport): void => {
    process.send?.(report);
  };
  let cpuAtStart = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(cpuAtStart);
    return (used.user + used.system) / 1000;
  };
  let reportQueued = false;
  class ReportingTally extends Tally {
    override tick(): void {
      super.tick();
      if (reportQueued) return;
      reportQueued = true;
      setImmediate(() => {
        reportQueued = false;
        send({ type: "ran", count: this.count, cpuMs: cpuMs() });
      });
    }
  }
  const tally = new ReportingTally();
  const pool = benchPool(options.poolSize);
  await pool.query("SELECT 1"); // connected before the clock starts
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { Tally: tally, LatenessRecorder: new LatenessRecorder(), Ledger: new Ledger() },
    store: postgresStore({ pool, schema: options.schema }),
    maxConcurrentExecutions: options.concurrency,
  });
  process.on("message", (command: WorkerCommand) => {
    if (command.type === "start") {
      cpuAtStart = process.cpuUsage();
      scheduler.start().catch(fail);
    } else {
      void (async () => {
        await scheduler.stop();
        await pool.end();
        send({ type: "stopped", count: tally.count, cpuMs: cpuMs() });
        process.disconnect();
      })().catch(fail);
    }
  });
  send({ type: "ready" });
}

function fail(error: unknown): void {
  process.stderr.write(
    `elarion worker process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}

main(JSON.parse(process.argv[2] ?? "{}") as WorkerProcessOptions).catch(fail);
