/**
 * Issue 9, defect 5: cancels racing worker processes. Three worker processes (child_process, each
 * a real scheduler on postgresStore built from dist: run `pnpm build` first) drain short jobs
 * while this process cancels every one of them as it is enqueued, so the cancels meet runs in every
 * state: queued, claimed and waiting for a slot, allowed to start, running, finished.
 *
 * What must hold (DESIGN section 5): a cancel that answers `true` is never followed by a start
 * the database had not allowed before it, and its run never ends `succeeded`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobScheduler } from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { renderStatements } from "../../../src/stores/postgres/sql/statements.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess } from "./support/worker-process.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "./workers/worker-jobs.mjs";

const ROUNDS = 12;
const JOBS_PER_ROUND = 250;

let db: TestSchema;
let enqueuer: JobScheduler;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestSchema("cancel_race");
  enqueuer = createScheduler({
    registry: defineJobDescriptors(workerDescriptors(), []),
    store: postgresStore({ pool: db.pool, schema: db.schema.name }),
    logger: { warn: () => undefined, error: () => undefined },
    // Keep every finished job, so the test can read each one's final state.
    maxRetainedCompletedJobs: 100_000,
  });
  await enqueuer.start();
});
afterAll(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await enqueuer?.stop();
  await db?.drop();
});

/** One cancel as the store's statement answered it (cancel-job.sql): no row is `false`. */
interface CancelAnswer {
  readonly jobId: string;
  /** `true` when the cancel took effect (what `cancelJob` answers). */
  readonly accepted: boolean;
  /** The run was claimed (running or waiting for a slot) when the cancel was recorded. */
  readonly wasRunning: boolean;
  /** Its owner had been allowed to start the body before the cancel. */
  readonly startAllowed: boolean;
}

describe("cancels racing worker processes", () => {
  it(`${ROUNDS * JOBS_PER_ROUND} cancels, each as its job is enqueued: no cancel answering true is followed by a start the database had not allowed, and none ends succeeded`, async () => {
    workers.push(
      ...(await Promise.all(
        ["a", "b", "c"].map((name) =>
          WorkerProcess.start({
            databaseUrl: TEST_DATABASE_URL,
            schema: db.schema.name,
            name,
            concurrency: 4,
          }),
        ),
      )),
    );
    const cancelJob = renderStatements(db.schema)["cancel-job"];
    const cancelPool = db.openPool(8);
    const answers: CancelAnswer[] = [];
    const viaScheduler: { jobId: string; accepted: boolean }[] = [];
    const jobIds: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const handles = await enqueuer.enqueueMany(
        "slow.block",
        Array.from({ length: JOBS_PER_ROUND }, (_, i) => ({ holdMs: i % 3 })),
      );
      jobIds.push(...handles.map((handle) => handle.jobId));
      // Every job is cancelled while the workers claim and run the round: odd ones through the
      // store's statement (which also says what the cancel found), even ones through cancelJob.
      await Promise.all(
        handles.map(async ({ jobId }, i) => {
          if (i % 2 === 0) {
            viaScheduler.push({ jobId, accepted: await enqueuer.cancelJob(jobId) });
            return;
          }
          const result = await cancelPool.query({
            ...cancelJob,
            values: [jobId, Date.now(), db.schema.channel],
          });
          const row = result.rows[0] as
            | { was_running: boolean; start_allowed: boolean }
            | undefined;
          answers.push({
            jobId,
            accepted: row !== undefined,
            wasRunning: row?.was_running ?? false,
            startAllowed: row?.start_allowed ?? false,
          });
        }),
      );
    }

    // Every job ends: succeeded, or cancelled. Nothing stays queued or running.
    const finalStatus = async (): Promise<Map<string, string>> => {
      const result = await db.pool.query(
        `SELECT j.job_id::text AS job_id, r.status FROM ${db.schema.quoted}.jobs j JOIN ${db.schema.quoted}.runs r ON r.run_id = j.current_run_id`,
      );
      return new Map(result.rows.map((row) => [row.job_id, row.status]));
    };
    const statusCounts = async (): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (const status of (await finalStatus()).values())
        counts[status] = (counts[status] ?? 0) + 1;
      return counts;
    };
    await waitForState(
      statusCounts,
      (counts) => (counts["succeeded"] ?? 0) + (counts["cancelled"] ?? 0) === jobIds.length,
      "every job to end succeeded or cancelled",
      60_000,
    );
    const statuses = await finalStatus();
    const started = new Map<string, number>();
    for (const worker of workers)
      for (const message of worker.of("started"))
        started.set(message.jobId!, (started.get(message.jobId!) ?? 0) + 1);

    // A cancel that answered true: its job ends cancelled, never succeeded.
    const succeededAfterTrue = [...answers, ...viaScheduler].filter(
      (answer) => answer.accepted && statuses.get(answer.jobId) !== "cancelled",
    );
    expect(succeededAfterTrue.map((answer) => [answer.jobId, statuses.get(answer.jobId)])).toEqual(
      [],
    );
    // A cancel that found the run not (yet) allowed to start: its body never starts.
    const notAllowed = answers.filter((answer) => answer.accepted && !answer.startAllowed);
    expect(
      notAllowed.filter((answer) => started.has(answer.jobId)).map((answer) => answer.jobId),
    ).toEqual([]);
    // No body ran twice; a job that succeeded ran its body once.
    expect([...started.values()].filter((count) => count > 1)).toEqual([]);
    for (const [jobId, status] of statuses)
      if (status === "succeeded") expect(started.get(jobId)).toBe(1);
    // The race was real: cancels met claimed runs not allowed to start yet, and runs already allowed.
    expect(
      answers.filter((answer) => answer.wasRunning && !answer.startAllowed).length,
    ).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.accepted).length).toBeGreaterThan(0);
  }, 180_000);
});
