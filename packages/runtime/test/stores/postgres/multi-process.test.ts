/**
 * Several worker processes (child_process, each a real scheduler on postgresStore built from dist)
 * sharing one schema. Run `pnpm build` first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobScheduler } from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess, type WorkerConfig } from "./support/worker-process.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "./workers/worker-jobs.mjs";

/** Unique per test run, so terminating "the workers' connections" never touches another run's. */
const WORKER_APPLICATION_NAME = `elarion-test-worker-${process.pid}`;
let db: TestSchema;
let enqueuer: JobScheduler;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestSchema("multiproc");
  enqueuer = createScheduler({
    registry: defineJobDescriptors(workerDescriptors(), []),
    store: postgresStore({ pool: db.pool, schema: db.schema.name }),
    logger: { warn: () => undefined, error: () => undefined },
  });
  await enqueuer.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await db.pool.query(
    `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.occurrences`,
  );
});
afterAll(async () => {
  await enqueuer?.stop();
  await db?.drop();
});

async function startWorker(
  name: string,
  options: Partial<WorkerConfig> = {},
): Promise<WorkerProcess> {
  const worker = await WorkerProcess.start({
    databaseUrl: TEST_DATABASE_URL,
    schema: db.schema.name,
    name,
    concurrency: 8,
    applicationName: WORKER_APPLICATION_NAME,
    ...options,
  });
  workers.push(worker);
  return worker;
}

const ranJobIds = (...from: WorkerProcess[]): string[] =>
  from.flatMap((w) => w.of("ran").map((m) => m.jobId!));

async function statusCounts(): Promise<Record<string, number>> {
  const result = await db.pool.query(
    `SELECT r.status, count(*)::int AS n FROM ${db.schema.quoted}.jobs j JOIN ${db.schema.quoted}.runs r ON r.run_id = j.current_run_id GROUP BY r.status`,
  );
  return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
}

describe("postgresStore across processes", () => {
  it("two workers share 2,000 jobs: every job runs exactly once when nothing crashes", async () => {
    const [a, b] = await Promise.all([startWorker("a"), startWorker("b")]);
    const handles = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => enqueuer.enqueue("noop.record", { i })),
    );

    await waitForState(
      async () => (await statusCounts())["succeeded"] ?? 0,
      (n) => n === 2_000,
      "all 2,000 jobs to succeed",
      60_000,
    );
    const ran = await WorkerProcess.until(
      [a, b],
      () => ranJobIds(a, b).length >= 2_000 && ranJobIds(a, b),
      "every run report",
    );
    expect(ran).toHaveLength(2_000);
    expect(new Set(ran)).toEqual(new Set(handles.map((h) => h.jobId)));
    expect(a.of("ran").length).toBeGreaterThan(0);
    expect(b.of("ran").length).toBeGreaterThan(0);
  });

  it("kill -9 mid-job: another worker runs it again after the lease and it succeeds; the dead run's late completion is refused", async () => {
    const lease = { leaseMs: 1_500, heartbeatMs: 500, pollIntervalMs: 200 };
    const doomed = await startWorker("doomed", { ...lease, holdSlowJobs: true });
    const handle = await enqueuer.enqueue("slow.block", { holdMs: 10 });
    const started = await doomed.waitFor(
      (m) => m.type === "started",
      "the job to start on the doomed worker",
    );
    await doomed.kill9();

    const survivor = await startWorker("survivor", lease);
    const rerun = await survivor.waitFor(
      (m) => m.type === "ran",
      "the survivor to run the job again",
    );
    expect(rerun).toMatchObject({ jobId: handle.jobId, runId: started.runId });
    const state = await waitForState(
      () => enqueuer.getJob(handle.jobId),
      (s) => s?.status === "succeeded",
      "the job to succeed",
    );
    expect(state?.status).toBe("succeeded");

    const queue = new QueueRepository(db.schema);
    const late = await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: started.runId!,
          claims: 1,
          status: "failed",
          message: "late",
          startedAtMs: null,
          completedAtMs: Date.now(),
        },
      ],
      [],
      { owner: doomed.workerId, nowMs: Date.now(), limit: 0, leaseMs: 1_000 },
    );
    expect(late.completed.size).toBe(0);
    expect((await enqueuer.getJob(handle.jobId))?.status).toBe("succeeded");
  });

  it("cancel from this process aborts a run active in a worker process within a second or two", async () => {
    const worker = await startWorker("busy");
    const handle = await enqueuer.enqueue("slow.block", {});
    await worker.waitFor(
      (m) => m.type === "started" && m.jobId === handle.jobId,
      "the job to start",
    );

    const cancelledAt = Date.now();
    expect(await enqueuer.cancelJob(handle.jobId)).toBe(true);
    await worker.waitFor(
      (m) => m.type === "aborted" && m.jobId === handle.jobId,
      "the worker to abort the run",
      2_000,
    );
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    const state = await waitForState(
      () => enqueuer.getJob(handle.jobId),
      (s) => s?.status === "cancelled",
      "the job to end cancelled",
    );
    expect(state?.status).toBe("cancelled");
    expect(worker.of("ran")).toHaveLength(0);
  });

  // How late a due run starts is measured by the benchmarks (suite "lateness"); this test shows only
  // that a worker wakes on its own timer rather than at the next poll, with room for a loaded machine.
  it("a job due in 2 s starts at its due time, not at the next 5 s poll", async () => {
    const worker = await startWorker("timely");
    const dueTimes = [2_000, 2_150, 2_300].map((offset) => Date.now() + offset);
    for (const due of dueTimes) await enqueuer.schedule("timed.probe", {}, due);

    await worker.until(() => worker.of("timed").length >= dueTimes.length, "the three timed jobs");
    const lateness = worker.of("timed").map((m) => m.startedMs! - m.dueMs!);
    expect(worker.of("timed").map((m) => m.dueMs)).toEqual(dueTimes);
    for (const ms of lateness) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it("workers whose connections are terminated under load reconnect, and every job is accounted for", async () => {
    const lease = { leaseMs: 2_000, heartbeatMs: 500, pollIntervalMs: 250 };
    const [a, b] = await Promise.all([startWorker("a", lease), startWorker("b", lease)]);
    // 20 ms jobs: about a second of work for two workers of 8 slots, so the outage lands mid-run.
    const handles = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => enqueuer.enqueue("slow.block", { i, holdMs: 20 })),
    );
    await WorkerProcess.until(
      [a, b],
      () => ranJobIds(a, b).length >= 100,
      "some progress before the outage",
    );

    const reportedBeforeOutage = ranJobIds(a, b).length;
    const terminated = await db.pool.query(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE application_name = $1 AND datname = current_database()`,
      [WORKER_APPLICATION_NAME],
    );
    expect(terminated.rows[0].n).toBeGreaterThan(0);
    expect(reportedBeforeOutage).toBeLessThan(handles.length);

    await waitForState(
      async () => (await statusCounts())["succeeded"] ?? 0,
      (n) => n === 1_000,
      "all 1,000 jobs to succeed",
      60_000,
    );
    // The database is ahead of the IPC reports; wait for every job's report (or fail naming how many are missing).
    const notReported = () => {
      const ran = new Set(ranJobIds(a, b));
      return handles.filter((h) => !ran.has(h.jobId));
    };
    await WorkerProcess.until(
      [a, b],
      () => notReported().length === 0,
      "a run report for every job",
      10_000,
    ).catch(() => undefined);
    expect(notReported()).toEqual([]);
    // Still listening: a cancel reaches a worker after the outage.
    const handle = await enqueuer.enqueue("slow.block", {});
    const running = await WorkerProcess.until(
      [a, b],
      () => [a, b].find((w) => w.of("started").some((m) => m.jobId === handle.jobId)),
      "the slow job to start",
    );
    expect(await enqueuer.cancelJob(handle.jobId)).toBe(true);
    await running.waitFor(
      (m) => m.type === "aborted" && m.jobId === handle.jobId,
      "the abort after reconnecting",
      5_000,
    );
  });

  it("a transactional enqueue rolled back never runs anywhere", async () => {
    const worker = await startWorker("tx");
    const client = await db.pool.connect();
    let rolledBack: string;
    try {
      await client.query("BEGIN");
      rolledBack = (await enqueuer.enqueue("noop.record", { tag: "rolled back" }, { client }))
        .jobId;
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    const marker = await enqueuer.enqueue("noop.record", { tag: "committed after" });
    await worker.waitFor(
      (m) => m.type === "ran" && m.jobId === marker.jobId,
      "the committed job to run",
    );
    expect(ranJobIds(worker)).toEqual([marker.jobId]);
    expect(await enqueuer.getJob(rolledBack)).toBeNull();
  });

  it("a recurring job in two processes runs each slot once", async () => {
    const [a, b] = await Promise.all([
      startWorker("a", { recurring: true }),
      startWorker("b", { recurring: true }),
    ]);
    const ticks = () => [...a.of("tick"), ...b.of("tick")].map((m) => m.dueMs!);
    await WorkerProcess.until(
      [a, b],
      () => new Set(ticks()).size >= 4,
      "four one-second slots",
      10_000,
    );
    await Promise.all([a.stop(), b.stop()]);

    const slots = ticks();
    expect(slots.length).toBe(new Set(slots).size);
    const sorted = [...slots].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBe(1_000);
  });
});
