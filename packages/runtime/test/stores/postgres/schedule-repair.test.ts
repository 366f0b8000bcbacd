/**
 * A run-time schedule whose chain a lost process left without a next slot: the PostgreSQL store's
 * poll has the scheduler plan it again (ScheduleChains.repair), with the scheduler's ManualClock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { startHarness, stopAllHarnesses } from "../../support/harness.js";
import { testJob } from "../../support/test-registry.js";
import { createTestSchema, waitForState, type TestSchema } from "./support/test-database.js";

const MINUTE = 60_000;
const POLL_MS = 5_000;
let db: TestSchema;

beforeAll(async () => {
  db = await createTestSchema("schedrepair");
});
afterEach(async () => {
  await stopAllHarnesses();
  await db.pool.query(`DROP SCHEMA IF EXISTS ${db.schema.quoted} CASCADE`);
});
afterAll(async () => {
  await db?.drop();
});

async function startOnPostgres() {
  const report = testJob("tenant.report");
  const harness = await startHarness([report], {
    store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: POLL_MS }),
  });
  return { ...harness, report };
}

/** The head job of the one schedule, read from the table. */
async function headJobId(): Promise<string> {
  const result = await db.pool.query(
    `SELECT head_job_id::text AS id FROM ${db.schema.quoted}.schedules`,
  );
  return result.rows[0].id;
}

describe("a stuck run-time schedule on PostgreSQL", () => {
  it("a head that ended without planning the next slot (its process died) gets a next slot at the next poll", async () => {
    const { scheduler, probe, clock } = await startOnPostgres();
    await scheduler.upsertSchedule("tenant-1", "tenant.report", { id: 1 }, { fixedDelay: "1m" });
    const head = await headJobId();
    // What a crash between running the slot and planning the next would leave: the head finished, no next head.
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET status = 'succeeded', completed_at = now() WHERE job_id = $1`,
      [head],
    );
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.jobs SET completed_at = now(), outcome = 'succeeded' WHERE job_id = $1`,
      [head],
    );
    expect((await scheduler.listSchedules())[0]!.nextDueTime).toBeNull();

    await clock.advance(POLL_MS);
    // The poll's queries run on the database, outside the clock's bookkeeping: wait for their effect.
    const [info] = await waitForState(
      () => scheduler.listSchedules(),
      ([schedule]) => schedule!.nextDueTime !== null,
      "the repaired next slot",
    );
    expect(info!.nextDueTime?.getTime()).toBe(clock.now() + MINUTE);
    expect(await headJobId()).not.toBe(head);
    await clock.advance(MINUTE);
    expect(probe.calls.map((call) => call.context.dueTime.getTime())).toEqual([clock.now()]);
  });

  it("a head deleted from the tables before its slot is planned again for that slot", async () => {
    const { scheduler, probe, clock } = await startOnPostgres();
    const start = clock.now();
    await clock.advance(1_000); // the first slot is then 10 s after start, not due at once
    await scheduler.upsertSchedule(
      "tenant-1",
      "tenant.report",
      { id: 1 },
      { cron: "*/10 * * * * *" },
    );
    // A job and its runs (no foreign key cascades a job's deletion to its runs: migration 10).
    const head = await headJobId();
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.runs WHERE job_id = $1`, [head]);
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.jobs WHERE job_id = $1`, [head]);

    await clock.advance(POLL_MS);
    const [info] = await waitForState(
      () => scheduler.listSchedules(),
      ([schedule]) => schedule!.nextDueTime !== null,
      "the repaired next slot",
    );
    expect(info!.nextDueTime?.getTime()).toBe(start + 10_000);
    await clock.advance(15_000);
    expect(probe.calls.map((call) => call.context.dueTime.getTime() - start)).toEqual([
      10_000, 20_000,
    ]);
  });
});
