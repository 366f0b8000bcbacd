import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import type pg from "pg";
import { jobDescriptors, type JobPayloads } from "../../fixture/src/jobs.generated.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import type { CancelSystem } from "./cancel-system.js";

const SCHEMA = "bench_elarion_cancels";
const POOL_SIZE = 10;

/**
 * Elarion's postgresStore with an enqueue-only scheduler (the descriptor set, so it never claims):
 * its jobs stay queued, and `cancelJob(jobId)` (or `cancelJobs(jobIds)`) ends each one
 * "cancelled before execution".
 */
export function elarionCancelSystem(): CancelSystem<string> {
  let pool: pg.Pool | null = null;
  let scheduler: JobScheduler<never, JobPayloads> | null = null;
  const requireScheduler = (): JobScheduler<never, JobPayloads> => {
    if (scheduler === null) throw new Error("elarion cancel system: prepare() first.");
    return scheduler;
  };
  return {
    name: "Elarion postgresStore",
    settings:
      `postgresStore({ pool }) defaults, pool of ${POOL_SIZE}, an enqueue-only scheduler (no worker, so jobs stay queued); ` +
      "cancel = `scheduler.cancelJob(jobId)` (sql/statements/cancel-job.sql: one statement that locks the job's current run and ends it cancelled; concurrent calls share one sql/statements/cancel-many.sql statement per 500); " +
      "bulk = `scheduler.cancelJobs(jobIds)` (the same, answering per id)",
    async prepare() {
      pool = benchPool(POOL_SIZE);
      await dropSchema(pool, SCHEMA);
      scheduler = createScheduler({
        registry: jobDescriptors,
        store: postgresStore({ pool, schema: SCHEMA }),
      });
      await scheduler.start();
    },
    async enqueueQueued(count) {
      const instance = requireScheduler();
      const handles = await Promise.all(
        Array.from({ length: count }, (_, n) => instance.enqueue("bench.noop", { n })),
      );
      return handles.map((handle) => handle.jobId);
    },
    cancelOne: (jobId) => requireScheduler().cancelJob(jobId),
    async cancelBulk(jobIds) {
      const answers = await requireScheduler().cancelJobs(jobIds);
      return answers.filter((cancelled) => cancelled).length;
    },
    async stillQueued(jobIds) {
      const instance = requireScheduler();
      const states = await Promise.all(jobIds.map((jobId) => instance.getJob(jobId)));
      return states.filter((state) => state?.status === "queued").length;
    },
    async close() {
      await scheduler?.stop();
      await pool?.end();
      scheduler = null;
      pool = null;
    },
  };
}
