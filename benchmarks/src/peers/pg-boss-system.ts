import PgBoss from "pg-boss";
import { DATABASE_URL } from "../support/machine.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { WORKER_CONCURRENCY, type Probes, type QueueSystem } from "./queue-system.js";

const SCHEMA = "bench_pg_boss";
const NOOP_QUEUE = "bench-noop";
const PROBE_QUEUE = "bench-probe";
// pg-boss waits the polling interval between fetches even after a full batch, so the batch size sets
// its pace. Default only; the peers suite sweeps it and uses the fastest.
const BATCH_SIZE = 1_000;
/** pg-boss 10's minimum polling interval. */
const POLLING_INTERVAL_SECONDS = 0.5;
const INSERT_CHUNK = 5_000;

/**
 * pg-boss with its throughput settings: `work()` called 8 times (its way to get concurrency since
 * v10 removed teamSize), each fetching batches, at the minimum polling interval.
 */
export function pgBossSystem(batchSize = BATCH_SIZE): QueueSystem {
  let boss: PgBoss | null = null;
  const requireBoss = (): PgBoss => {
    if (boss === null) throw new Error("pg-boss system: prepare() first.");
    return boss;
  };
  return {
    name: "pg-boss",
    settings:
      `${WORKER_CONCURRENCY} × work(queue, { batchSize: ${batchSize}, pollingIntervalSeconds: ${POLLING_INTERVAL_SECONDS} }) (the minimum interval), ` +
      `schedule: false, supervise: false, default pool (max 10); enqueue = insert() in chunks of ${INSERT_CHUNK} (its bulk API)`,
    async prepare() {
      const pool = benchPool(1);
      try {
        await dropSchema(pool, SCHEMA);
      } finally {
        await pool.end();
      }
      boss = new PgBoss({
        connectionString: DATABASE_URL,
        schema: SCHEMA,
        schedule: false,
        supervise: false,
      });
      boss.on("error", (error) =>
        process.stderr.write(
          `pg-boss: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
      );
      await boss.start();
      await boss.createQueue(NOOP_QUEUE);
      await boss.createQueue(PROBE_QUEUE);
    },
    async enqueueNoops(count) {
      const instance = requireBoss();
      for (let start = 0; start < count; start += INSERT_CHUNK) {
        const jobs = [];
        for (let n = start; n < Math.min(count, start + INSERT_CHUNK); n += 1)
          jobs.push({ name: NOOP_QUEUE, data: { n } });
        await instance.insert(jobs);
      }
    },
    async startWorkers(probes: Probes) {
      const instance = requireBoss();
      const options = { batchSize, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS };
      for (let worker = 0; worker < WORKER_CONCURRENCY; worker += 1) {
        await instance.work(NOOP_QUEUE, options, async (jobs) => {
          for (let index = 0; index < jobs.length; index += 1) probes.tally.tick();
        });
        await instance.work<{ dueMs: number }>(PROBE_QUEUE, options, async (jobs) => {
          for (const job of jobs) probes.recorder.record(job.data.dueMs);
        });
      }
    },
    async scheduleProbe(dueMs) {
      return requireBoss().send(PROBE_QUEUE, { dueMs }, { startAfter: new Date(dueMs) });
    },
    async close() {
      await boss?.stop({ graceful: false, wait: true });
      boss = null;
    },
  };
}
