/**
 * Enqueue-once keys and schedules defined at run time across worker processes (child_process,
 * each a real scheduler on postgresStore built from dist) sharing one schema. Run `pnpm build` first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobScheduler } from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess, type WorkerConfig, type WorkerMessage } from "./support/worker-process.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "./workers/worker-jobs.mjs";

let db: TestSchema;
let admin: JobScheduler;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestSchema("keyscluster");
  // The admin process of these tests: it defines schedules and never runs a job.
  admin = createScheduler({
    registry: defineJobDescriptors(workerDescriptors(), []),
    store: postgresStore({ pool: db.pool, schema: db.schema.name }),
    logger: { warn: () => undefined, error: () => undefined },
  });
  await admin.start();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  for (const schedule of await admin.listSchedules())
    await admin.removeSchedule(schedule.scheduleKey);
  await db.pool.query(
    `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.schedules`,
  );
});
afterAll(async () => {
  await admin?.stop();
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
    pollIntervalMs: 500,
    ...options,
  });
  workers.push(worker);
  return worker;
}

/** Every slot the workers ran for `tenant` (the payload's tenant), in the order the slots fell due. */
function slotsOf(tenant: string, ...from: WorkerProcess[]): (WorkerMessage & { worker: string })[] {
  return from
    .flatMap((worker) => worker.of("slot"))
    .filter((message) => (message.payload as { tenant?: string } | undefined)?.tenant === tenant)
    .sort((a, b) => a.dueMs! - b.dueMs!);
}

function expectEverySlotOnce(slots: readonly WorkerMessage[]): void {
  const dueTimes = slots.map((slot) => slot.dueMs!);
  expect(dueTimes.length, "no slot ran twice").toBe(new Set(dueTimes).size);
  expect(slots.map((slot) => slot.jobId).length, "each slot is its own job").toBe(
    new Set(slots.map((slot) => slot.jobId)).size,
  );
}

describe("keys and run-time schedules across processes", () => {
  it("8 processes enqueueing one key 1,000 times each, all at once, make one job", async () => {
    const producers = await Promise.all(
      Array.from({ length: 8 }, (_, index) => startWorker(`producer-${index}`)),
    );
    const dueMs = Date.now() + 3_600_000;
    for (const producer of producers)
      producer.send({ type: "schedule-keyed", key: "burst", count: 1_000, dueMs });
    const reports = await Promise.all(
      producers.map((producer) =>
        producer.waitFor((m) => m.type === "scheduled", "the burst's handles", 60_000),
      ),
    );

    const jobIds = new Set(reports.flatMap((report) => report.jobIds!));
    expect(jobIds.size).toBe(1);
    expect(reports.reduce((sum, report) => sum + report.deduplicated!, 0)).toBe(8 * 1_000 - 1);
    const stored = await db.pool.query(
      `SELECT job_id::text AS job_id FROM ${db.schema.quoted}.jobs WHERE key = 'burst'`,
    );
    expect(stored.rows.map((row) => row.job_id)).toEqual([...jobIds]);
    expect(await admin.getJob([...jobIds][0]!)).toMatchObject({ status: "queued", key: "burst" });
  });

  it("a schedule upserted by another process runs in two workers, each slot once; a change reaches both without a double or lost slot", async () => {
    const [a, b] = await Promise.all([startWorker("a"), startWorker("b")]);
    await admin.upsertSchedule(
      "tenant-1",
      "schedule.slot",
      { tenant: "tenant-1", version: 1 },
      { fixedRate: "300ms", misfire: "catch-up" },
    );
    await WorkerProcess.until(
      [a, b],
      () => slotsOf("tenant-1", a, b).length >= 6,
      "six slots of the first version",
      20_000,
    );

    const changed = await admin.upsertSchedule(
      "tenant-1",
      "schedule.slot",
      { tenant: "tenant-1", version: 2 },
      { fixedRate: "300ms", misfire: "catch-up" },
    );
    const atChange = slotsOf("tenant-1", a, b).length;
    await WorkerProcess.until(
      [a, b],
      () =>
        slotsOf("tenant-1", a, b).filter(
          (slot) => (slot.payload as { version: number }).version === 2,
        ).length >= 4,
      "four slots of the second version",
      20_000,
    );
    expect(await admin.removeSchedule("tenant-1")).toBe(true);
    await Promise.all([a.stop(), b.stop()]);

    const slots = slotsOf("tenant-1", a, b);
    expectEverySlotOnce(slots);
    // A payload change keeps the grid: one slot every 300 ms, none skipped (catch-up: a slot a loaded
    // machine starts late still runs), the pending one moved to version 2.
    for (let index = 1; index < slots.length; index++)
      expect(slots[index]!.dueMs! - slots[index - 1]!.dueMs!).toBe(300);
    const versions = slots.map((slot) => (slot.payload as { version: number }).version);
    expect(versions).toEqual([...versions].sort());
    expect(
      slots.find((slot) => (slot.payload as { version: number }).version === 2)!.dueMs,
    ).toBeLessThanOrEqual(changed.nextDueTime!.getTime());
    expect(slots.length).toBeGreaterThan(atChange);
  });

  it("a cron change made in one process is followed by every worker from the next slot", async () => {
    const [a, b] = await Promise.all([startWorker("a"), startWorker("b")]);
    await admin.upsertSchedule(
      "tenant-2",
      "schedule.slot",
      { tenant: "tenant-2" },
      { cron: "* * * * * *", misfire: "catch-up" },
    );
    await WorkerProcess.until(
      [a, b],
      () => slotsOf("tenant-2", a, b).length >= 3,
      "three one-second slots",
      20_000,
    );
    const changed = await admin.upsertSchedule(
      "tenant-2",
      "schedule.slot",
      { tenant: "tenant-2" },
      { cron: "*/2 * * * * *", misfire: "catch-up" },
    );
    const newFirst = changed.nextDueTime!.getTime();
    expect(new Date(newFirst).getUTCSeconds() % 2).toBe(0);
    await WorkerProcess.until(
      [a, b],
      () => slotsOf("tenant-2", a, b).filter((slot) => slot.dueMs! >= newFirst).length >= 3,
      "three two-second slots",
      20_000,
    );
    await Promise.all([a.stop(), b.stop()]);

    const slots = slotsOf("tenant-2", a, b);
    expectEverySlotOnce(slots);
    const after = slots.filter((slot) => slot.dueMs! >= newFirst).map((slot) => slot.dueMs!);
    expect(after[0]).toBe(newFirst);
    for (let index = 1; index < after.length; index++)
      expect(after[index]! - after[index - 1]!).toBe(2_000);
    const before = slots.filter((slot) => slot.dueMs! < newFirst).map((slot) => slot.dueMs!);
    for (let index = 1; index < before.length; index++)
      expect(before[index]! - before[index - 1]!).toBe(1_000);
  });

  it("a schedule survives a restart: a worker started later runs the slot that was pending, then the next ones, none twice", async () => {
    const first = await startWorker("first");
    await admin.upsertSchedule(
      "tenant-3",
      "schedule.slot",
      { tenant: "tenant-3" },
      { fixedRate: "300ms" },
    );
    await first.until(
      () => slotsOf("tenant-3", first).length >= 3,
      "three slots before the restart",
      20_000,
    );
    await first.stop();
    // Down for a while: the pending slot falls a whole slot and more behind (misfire, fire-once).
    const pending = await waitForState(
      async () => (await admin.listSchedules())[0]!,
      (info) => info.nextDueTime !== null && info.nextDueTime.getTime() < Date.now() - 700,
      "the pending slot to be overdue",
    );
    const second = await startWorker("second");
    await second.until(
      () => slotsOf("tenant-3", second).length >= 3,
      "three slots after the restart",
      20_000,
    );
    await second.stop();

    const before = slotsOf("tenant-3", first);
    const after = slotsOf("tenant-3", second);
    expectEverySlotOnce([...before, ...after]);
    expect(after[0]!.dueMs).toBe(pending.nextDueTime!.getTime());
    // fire-once: after the overdue slot the grid goes on from now, on its 300 ms grid.
    for (const slot of after) expect((slot.dueMs! - before[0]!.dueMs!) % 300).toBe(0);
    expect(after[1]!.dueMs!).toBeGreaterThan(pending.nextDueTime!.getTime() + 300);
  });
});
