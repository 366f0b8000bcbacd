/**
 * write-schedule.sql: an upsert's compare-and-set, the deletion of the head it replaces and the
 * insert of its new head, all in one statement: all of it or nothing.
 */
import { randomUUID } from "node:crypto";
import type { QueryConfig } from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { occurrenceJob } from "../../../src/dispatch/occurrence-job.js";
import type { ScheduleRule } from "../../../src/policy/schedule-rule.js";
import type { ScheduleWrite } from "../../../src/stores/job-store.js";
import type { Queryable } from "../../../src/stores/postgres/queryable.js";
import { ScheduleRepository } from "../../../src/stores/postgres/schedule-repository.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let schedules: ScheduleRepository;
const T0 = Date.UTC(2030, 0, 1);
const RULE: ScheduleRule = {
  cron: null,
  timeZone: null,
  fixedRateMs: 60_000,
  fixedDelayMs: null,
  misfire: "skip",
  overlap: "allow-concurrent",
  enabled: true,
};

beforeAll(async () => {
  db = await createMigratedTestSchema("schedule_write");
  schedules = new ScheduleRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  const q = db.schema.quoted;
  await db.pool.query(`TRUNCATE ${q}.jobs, ${q}.runs, ${q}.schedules, ${q}.paused_jobs`);
});

/** A write of "tenant-1" planning a head due at `dueMs` (or none). */
function writeOf(
  expectedRevision: string | null,
  replacedHeadJobId: string | null,
  dueMs: number | null,
  expectedHeadJobId: string | null = replacedHeadJobId,
): ScheduleWrite {
  const revision = randomUUID();
  return {
    scheduleKey: "tenant-1",
    jobName: "tenant.report",
    payload: { tenant: 1 },
    rule: RULE,
    revision,
    expectedRevision,
    expectedHeadJobId,
    replacedHeadJobId,
    head:
      dueMs === null
        ? null
        : occurrenceJob(
            "tenant.report",
            { tenant: 1 },
            dueMs,
            { scheduleKey: "tenant-1", revision, rule: RULE, catchUp: false },
            null,
            T0,
          ),
    nowMs: T0,
  };
}

async function scheduleRow() {
  const result = await db.pool.query(
    `SELECT revision::text, head_job_id::text FROM ${db.schema.quoted}.schedules WHERE schedule_key = 'tenant-1'`,
  );
  return result.rows[0] as { revision: string; head_job_id: string | null } | undefined;
}

async function runsOf(jobId: string): Promise<string[]> {
  const result = await db.pool.query(
    `SELECT r.status FROM ${db.schema.quoted}.runs r JOIN ${db.schema.quoted}.jobs j USING (job_id) WHERE j.job_id = $1`,
    [jobId],
  );
  return result.rows.map((row) => row.status);
}

describe("write-schedule", () => {
  it("creates a schedule with its head in one statement, no transaction around it", async () => {
    const sent: string[] = [];
    const recording: Queryable = {
      query: ((query: string | QueryConfig<unknown[]>) => {
        sent.push(typeof query === "string" ? query : (query.name ?? query.text));
        return db.pool.query(query as QueryConfig<unknown[]>);
      }) as Queryable["query"],
    };
    const write = writeOf(null, null, T0 + 60_000);

    expect(await schedules.write(recording, write)).toBe(true);

    expect(sent).toEqual([`elarion.${db.schema.name}.write-schedule`]);
    expect(await scheduleRow()).toEqual({
      revision: write.revision,
      head_job_id: write.head!.jobId,
    });
    expect(await runsOf(write.head!.jobId)).toEqual(["queued"]);
    const job = await db.pool.query(
      `SELECT key, max_attempts, occurrence ->> 'scheduleKey' AS schedule_key, payload FROM ${db.schema.quoted}.jobs`,
    );
    expect(job.rows).toEqual([
      { key: "tenant-1", max_attempts: 1, schedule_key: "tenant-1", payload: { tenant: 1 } },
    ]);
  });

  it("writes nothing when a schedule of the key exists and none was expected, or another revision was", async () => {
    const first = writeOf(null, null, T0 + 60_000);
    await schedules.write(db.pool, first);

    expect(await schedules.write(db.pool, writeOf(null, null, T0 + 1_000))).toBe(false);
    const stale = writeOf(randomUUID(), first.head!.jobId, T0 + 2_000);
    expect(await schedules.write(db.pool, stale)).toBe(false);

    expect(await scheduleRow()).toEqual({
      revision: first.revision,
      head_job_id: first.head!.jobId,
    });
    expect(await runsOf(first.head!.jobId)).toEqual(["queued"]);
    expect((await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.jobs`)).rowCount).toBe(1);
  });

  it("replaces the pending head: the old head's job and run are gone, the new head is queued (held when paused)", async () => {
    const first = writeOf(null, null, T0 + 60_000);
    await schedules.write(db.pool, first);
    await db.pool.query(
      `INSERT INTO ${db.schema.quoted}.paused_jobs (job_name) VALUES ('tenant.report')`,
    );

    const second = writeOf(first.revision, first.head!.jobId, T0 + 120_000);
    expect(await schedules.write(db.pool, second)).toBe(true);

    expect(await scheduleRow()).toEqual({
      revision: second.revision,
      head_job_id: second.head!.jobId,
    });
    expect(await runsOf(first.head!.jobId)).toEqual([]);
    expect(await runsOf(second.head!.jobId)).toEqual(["held"]);
  });

  it("writes nothing when the head it replaces was claimed meanwhile: the claimed head runs on", async () => {
    const first = writeOf(null, null, T0 + 60_000);
    await schedules.write(db.pool, first);
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET status = 'running', owner = 'worker-a', lease_expires_at = now() + interval '1 minute' WHERE job_id = $1`,
      [first.head!.jobId],
    );

    const second = writeOf(first.revision, first.head!.jobId, T0 + 120_000);
    expect(await schedules.write(db.pool, second)).toBe(false);

    expect(await scheduleRow()).toEqual({
      revision: first.revision,
      head_job_id: first.head!.jobId,
    });
    expect(await runsOf(first.head!.jobId)).toEqual(["running"]);
    expect((await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.jobs`)).rowCount).toBe(1);
  });

  it("writes nothing when a worker moved the chain past the running head it read: the revision is the same, the head is not", async () => {
    const first = writeOf(null, null, T0 + 60_000);
    await schedules.write(db.pool, first);
    const running = first.head!.jobId;
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET status = 'running', owner = 'worker-a', lease_expires_at = now() + interval '1 minute' WHERE job_id = $1`,
      [running],
    );
    // The upsert read revision 1 with its head running, so it plans the slot after it...
    const upsert = writeOf(first.revision, null, T0 + 120_000, running);
    // ...while the worker finishing that head planned the same slot from revision 1.
    const next = writeOf(first.revision, null, T0 + 120_000).head!;
    const moved = await schedules.advance(
      db.pool,
      [
        {
          scheduleKey: "tenant-1",
          revision: first.revision,
          fromJobId: running,
          fromSlotMs: T0 + 60_000,
          head: next,
          catchUp: [],
        },
      ],
      T0,
    );
    expect([...moved]).toEqual(["tenant-1"]);

    // Written, the upsert would leave two heads for one slot (the worker's, never deleted).
    expect(await schedules.write(db.pool, upsert)).toBe(false);
    expect(await scheduleRow()).toEqual({ revision: first.revision, head_job_id: next.jobId });
    expect(await runsOf(upsert.head!.jobId)).toEqual([]);
  });

  it("writes a schedule whose rule never fires, with no head", async () => {
    const write = writeOf(null, null, null);
    expect(await schedules.write(db.pool, write)).toBe(true);
    expect(await scheduleRow()).toEqual({ revision: write.revision, head_job_id: null });
    expect((await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.jobs`)).rowCount).toBe(0);
  });
});
