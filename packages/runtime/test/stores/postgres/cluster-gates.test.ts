/**
 * Gates that hold across the cluster on PostgreSQL (docs/semantics.md, "Overlap and
 * concurrency"): two worker processes (child processes on the built runtime; run `pnpm build`
 * first) run a recurring job every second whose runs take 1.5 s, under the default overlap "skip".
 * Each process claims the slots the other did not, so only the cluster-wide gate keeps a slot from
 * starting while the previous run still executes in the other process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  defineJobRegistry,
  type JobScheduler,
} from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { descriptor } from "../../support/test-registry.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess, type WorkerMessage } from "./support/worker-process.js";

let db: TestSchema;

beforeAll(async () => {
  db = await createTestSchema("clustergates");
});
afterAll(async () => {
  await db?.drop();
});

describe("cluster-wide gates on PostgreSQL", () => {
  it('overlap "skip": a recurring run executing in one process makes the other skip the next slot; no two bodies overlap', async () => {
    const config = {
      databaseUrl: TEST_DATABASE_URL,
      schema: db.schema.name,
      slowRecurring: true,
      leaseMs: 3_000,
      heartbeatMs: 1_000,
    };
    const workers = await Promise.all([
      WorkerProcess.start({ ...config, name: "a" }),
      WorkerProcess.start({ ...config, name: "b" }),
    ]);
    try {
      const windows = (): WorkerMessage[] =>
        workers.flatMap((w) => w.of("window").map((m) => ({ ...m, worker: w.name })));
      await WorkerProcess.until(
        workers,
        () => windows().length >= 5,
        "five runs of the slow recurring job",
        20_000,
      );
      await Promise.all(workers.map((w) => w.stop()));

      const sorted = windows().sort((x, y) => x.startedMs! - y.startedMs!);
      const overlaps = sorted.slice(1).filter((run, i) => run.startedMs! < sorted[i]!.endedMs!);
      expect(
        overlaps.map(
          (run) => `${run.worker} started at ${run.startedMs} before the previous run ended`,
        ),
      ).toEqual([]);
      // Both processes ran slots (so the gate, not a single winner of every claim, kept them apart).
      expect(new Set(sorted.map((run) => run.worker)).size).toBe(2);
      // Slots were skipped, not queued: a run starts in the slot right after the previous one ended.
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.dueMs! - sorted[i - 1]!.dueMs!).toBe(2_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 40_000);

  it("maxConcurrentRuns: two processes (stores) run at most the cap at once between them; the rest are skipped", async () => {
    const capped = descriptor("reports.capped", {
      overlap: "allow-concurrent",
      overlapExplicit: true,
      maxConcurrentRuns: 2,
      dependencies: [],
      validatePayload: null,
    });
    let running = 0;
    let mostAtOnce = 0;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const body = async (): Promise<void> => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await released;
      running -= 1;
    };
    const worker = (): JobScheduler =>
      createScheduler({
        registry: defineJobRegistry([{ descriptor: capped, jobClass: class {}, invoke: body }], []),
        services: () => ({}),
        // Three leases each: the six jobs are shared between the two workers.
        store: postgresStore({
          pool: db.openPool(4),
          schema: db.schema.name,
          maxLeasedRuns: 3,
          pollIntervalMs: 60_000,
        }),
        logger: { warn: () => undefined, error: () => undefined },
        maxConcurrentExecutions: 8,
      });
    const workers = [worker(), worker()];
    const producer: JobScheduler = createScheduler({
      registry: defineJobDescriptors([capped], []),
      store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
      logger: { warn: () => undefined, error: () => undefined },
    });
    try {
      await Promise.all([...workers, producer].map((s) => s.start()));
      const handles = await producer.enqueueMany(
        "reports.capped",
        Array.from({ length: 6 }, (_, i) => ({ i })),
      );
      const ids = handles.map((h) => h.jobId);
      const statuses = async (): Promise<string[]> =>
        (await Promise.all(ids.map((id) => producer.getJob(id)))).map(
          (state) => state?.status ?? "missing",
        );
      await waitForState(
        statuses,
        (s) =>
          s.filter((x) => x === "skipped").length === 4 &&
          s.filter((x) => x === "running").length === 2,
        "two running, four skipped",
      );
      expect(mostAtOnce).toBe(2);
      release();
      const final = await waitForState(
        statuses,
        (s) => s.every((x) => x === "succeeded" || x === "skipped"),
        "every job to end",
      );
      expect(final.filter((x) => x === "succeeded")).toHaveLength(2);
      const skipped = await db.pool.query(
        `SELECT message FROM ${db.schema.quoted}.runs WHERE status = 'skipped'`,
      );
      expect(skipped.rows.map((row) => row.message)).toEqual(Array(4).fill("max-concurrency"));
    } finally {
      release();
      await Promise.all([...workers, producer].map((s) => s.stop()));
    }
  });
});
