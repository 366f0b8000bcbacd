import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from "graphile-worker";
import { DATABASE_URL } from "../support/machine.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { WORKER_CONCURRENCY, type Probes, type QueueSystem } from "./queue-system.js";

const SCHEMA = "bench_graphile_worker";
/** Default only; the peers suite sweeps the size and uses the fastest. */
const LOCAL_QUEUE_SIZE = 500;
const POLL_INTERVAL_MS = 100;

/** Errors only: graphile-worker logs every job at info level otherwise. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") process.stderr.write(`graphile-worker: ${message}\n`);
});

/**
 * graphile-worker with its documented batching ("Performance → Batching"): a local queue that locks
 * jobs in batches, and batched completion.
 */
export function graphileWorkerSystem(localQueueSize = LOCAL_QUEUE_SIZE): QueueSystem {
  let utils: WorkerUtils | null = null;
  let runner: Runner | null = null;
  const requireUtils = (): WorkerUtils => {
    if (utils === null) throw new Error("graphile-worker system: prepare() first.");
    return utils;
  };
  return {
    name: "graphile-worker",
    settings:
      `run({ concurrency: ${WORKER_CONCURRENCY}, pollInterval: ${POLL_INTERVAL_MS}, preset: { worker: { localQueue: { size: ${localQueueSize} }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } }), ` +
      "default pool (maxPoolSize 10); enqueue = one `addJobs()` call with every job (its bulk API)",
    async prepare() {
      const pool = benchPool(1);
      try {
        await dropSchema(pool, SCHEMA);
      } finally {
        await pool.end();
      }
      utils = await makeWorkerUtils({
        connectionString: DATABASE_URL,
        schema: SCHEMA,
        logger: quietLogger,
      });
      await utils.migrate();
    },
    async enqueueNoops(count) {
      const specs = Array.from({ length: count }, (_, n) => ({
        identifier: "noop",
        payload: { n },
      }));
      await requireUtils().addJobs(specs);
    },
    async startWorkers(probes: Probes) {
      runner = await run({
        connectionString: DATABASE_URL,
        schema: SCHEMA,
        concurrency: WORKER_CONCURRENCY,
        pollInterval: POLL_INTERVAL_MS,
        noHandleSignals: true,
        logger: quietLogger,
        preset: {
          worker: {
            localQueue: { size: localQueueSize },
            completeJobBatchDelay: 0,
            failJobBatchDelay: 0,
          },
        },
        taskList: {
          noop: async () => {
            probes.tally.tick();
          },
          probe: async (payload) => {
            probes.recorder.record((payload as { dueMs: number }).dueMs);
          },
        },
      });
    },
    async scheduleProbe(dueMs) {
      return requireUtils().addJob("probe", { dueMs }, { runAt: new Date(dueMs) });
    },
    async close() {
      await runner?.stop();
      await utils?.release();
      runner = null;
      utils = null;
    },
  };
}
