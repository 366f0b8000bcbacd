import { Logger, makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import { DATABASE_URL } from "../support/machine.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import type { CancelSystem } from "./cancel-system.js";

const SCHEMA = "bench_graphile_worker_cancels";
const CANCEL_REASON = "cancelled";

const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") process.stderr.write(`graphile-worker: ${message}\n`);
});

/**
 * graphile-worker's closest equivalent of cancelling a queued job: `permanentlyFailJobs([id],
 * reason)`. Its other candidate, the SQL function `remove_job(job_key)`, addresses a job by the
 * job key it was added with (an unkeyed job cannot be removed that way; 0.17.3's WorkerUtils has
 * no removeJob) and deletes the row. `permanentlyFailJobs` takes the id `addJobs` returned, works
 * on any job not locked by a worker, and keeps the row (attempts = max_attempts, last_error =
 * reason), so the job never runs and its end stays visible — what Elarion's cancel does.
 */
export function graphileWorkerCancelSystem(): CancelSystem<string> {
  let utils: WorkerUtils | null = null;
  const requireUtils = (): WorkerUtils => {
    if (utils === null) throw new Error("graphile-worker cancel system: prepare() first.");
    return utils;
  };
  return {
    name: "graphile-worker",
    settings:
      "makeWorkerUtils({ connectionString }) (default pool, maxPoolSize 10), no worker running; " +
      `cancel = \`permanentlyFailJobs([id], "${CANCEL_REASON}")\` one by one; bulk = one \`permanentlyFailJobs(ids, "${CANCEL_REASON}")\` call with every id`,
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
    async enqueueQueued(count) {
      const jobs = await requireUtils().addJobs(
        Array.from({ length: count }, (_, n) => ({ identifier: "noop", payload: { n } })),
      );
      return jobs.map((job) => job.id);
    },
    async cancelOne(id) {
      return (await requireUtils().permanentlyFailJobs([id], CANCEL_REASON)).length === 1;
    },
    async cancelBulk(ids) {
      return (await requireUtils().permanentlyFailJobs([...ids], CANCEL_REASON)).length;
    },
    async stillQueued(ids) {
      const result = await requireUtils().withPgClient((client) =>
        client.query<{ count: string }>(
          `SELECT count(*) FROM ${SCHEMA}.jobs WHERE id = ANY($1::bigint[]) AND attempts < max_attempts`,
          [ids],
        ),
      );
      return Number(result.rows[0]?.count ?? Number.NaN);
    },
    async close() {
      await utils?.release();
      utils = null;
    },
  };
}
