import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import type pg from "pg";
import { jobDescriptors, jobRegistry, type JobPayloads } from "../../fixture/src/jobs.generated.js";
import { Ledger } from "../../fixture/src/ledger.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { WORKER_CONCURRENCY, type Probes, type QueueSystem } from "./queue-system.js";

const SCHEMA = "bench_elarion";

/** How the worker's store is set up beyond the batching knob. */
export interface ElarionSystemOptions {
  /**
   * `false`: `retention: { maxFinishedJobs: 0 }` — a completion deletes the job it finishes, as
   * graphile-worker and pg-boss (by default, after archiving) do; `true` (default): the store's
   * default retention, which keeps the latest 1024 finished jobs for history.
   */
  readonly keepFinishedJobs?: boolean;
}

/**
 * Elarion's postgresStore: an enqueue-only scheduler (the descriptor set, so it never dispatches)
 * produces; a worker scheduler with `maxConcurrentExecutions: 8` consumes.
 */
export function elarionSystem(
  maxLeasedRuns?: number,
  { keepFinishedJobs = true }: ElarionSystemOptions = {},
): QueueSystem {
  let pool: pg.Pool | null = null;
  let producer: JobScheduler<never, JobPayloads> | null = null;
  let worker: Pick<JobScheduler, "start" | "stop"> | null = null;
  const requirePool = (): pg.Pool => {
    if (pool === null) throw new Error("elarion system: prepare() first.");
    return pool;
  };
  return {
    name: keepFinishedJobs
      ? "Elarion postgresStore"
      : "Elarion postgresStore, no finished job kept",
    settings:
      `postgresStore({ pool, maxLeasedRuns: ${maxLeasedRuns ?? "(default)"}${keepFinishedJobs ? "" : ", retention: { maxFinishedJobs: 0 }"} }), other options default (leaseMs 30 s, pollIntervalMs 5 s; LISTEN/NOTIFY wake-ups, group-commit inserts), ` +
      `maxConcurrentExecutions ${WORKER_CONCURRENCY}; enqueue = one \`enqueueMany()\` call with every job (its bulk API: one statement)`,
    async prepare() {
      pool = benchPool(10);
      await dropSchema(pool, SCHEMA);
      const enqueueOnly = createScheduler({
        registry: jobDescriptors,
        store: postgresStore({ pool, schema: SCHEMA }),
      });
      await enqueueOnly.start();
      producer = enqueueOnly;
    },
    async enqueueNoops(count) {
      if (producer === null) throw new Error("elarion system: prepare() first.");
      await producer.enqueueMany(
        "bench.noop",
        Array.from({ length: count }, (_, n) => ({ n })),
      );
    },
    async startWorkers(probes: Probes) {
      worker = createScheduler({
        registry: jobRegistry,
        services: { Tally: probes.tally, LatenessRecorder: probes.recorder, Ledger: new Ledger() },
        store: postgresStore({
          pool: requirePool(),
          schema: SCHEMA,
          ...(maxLeasedRuns === undefined ? {} : { maxLeasedRuns }),
          ...(keepFinishedJobs ? {} : { retention: { maxFinishedJobs: 0 } }),
        }),
        maxConcurrentExecutions: WORKER_CONCURRENCY,
      });
      await worker.start();
    },
    async scheduleProbe(dueMs) {
      if (producer === null) throw new Error("elarion system: prepare() first.");
      return producer.schedule("bench.lateness-probe", { dueMs }, dueMs);
    },
    async close() {
      await worker?.stop();
      await producer?.stop();
      await pool?.end();
      worker = null;
      producer = null;
      pool = null;
    },
  };
}
