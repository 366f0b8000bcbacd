/**
 * Retention without a foreign key from runs to jobs (migration 10): delete-finished-jobs.sql
 * deletes the runs of the jobs it deletes, and keeps a job that a retry made pending again while
 * the pass waited for its lock.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let inserts: JobInsertRepository;
let queue: QueueRepository;
let cancels: CancelRepository;

beforeAll(async () => {
  db = await createMigratedTestSchema("retention_runs");
  inserts = new JobInsertRepository(db.schema);
  queue = new QueueRepository(db.schema);
  cancels = new CancelRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});

function newJob(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return newJobRow(overrides);
}

/** Finished jobs: inserted, then cancelled (a cancel before execution ends the job). */
async function finishedJobs(count: number): Promise<NewJobRow[]> {
  const jobs = Array.from({ length: count }, newJob);
  await inserts.insertJobs(db.pool, jobs);
  for (const [index, job] of jobs.entries())
    await cancels.cancelJob(db.pool, job.jobId, T0 + index);
  return jobs;
}

const dropAllFinished = { maxFinishedJobs: 0, maxAgeMs: 1e12, nowMs: T0, occurrenceHorizonMs: T0 };

async function runCount(): Promise<number> {
  return (await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.runs`)).rowCount ?? 0;
}

describe("retention without a foreign key from runs to jobs", () => {
  it("deletes the runs of the jobs it deletes and leaves no run without its job", async () => {
    await finishedJobs(5);
    const pending = newJob();
    await inserts.insertJobs(db.pool, [pending]);

    expect(await queue.applyRetention(db.pool, dropAllFinished)).toBe(5);

    expect(await runCount()).toBe(1);
    const orphans = await db.pool.query(
      `SELECT 1 FROM ${db.schema.quoted}.runs r WHERE NOT EXISTS (SELECT FROM ${db.schema.quoted}.jobs j WHERE j.job_id = r.job_id)`,
    );
    expect(orphans.rowCount).toBe(0);
    expect(await queue.getJob(db.pool, pending.jobId)).toMatchObject({ status: "queued" });
  });

  it("keeps a finished job that a retry made pending while the pass waited for its lock, with its runs", async () => {
    const [retried] = await finishedJobs(1);
    const retrying = await db.pool.connect();
    try {
      await retrying.query("BEGIN");
      const newRunId = randomUUID();
      expect(await queue.retryJob(retrying, retried!.jobId, newRunId, T0 + 5_000)).not.toBeNull();
      // The pass picks the job as finished (its snapshot predates the retry) and waits for its lock.
      const pass = queue.applyRetention(db.pool, dropAllFinished);
      await waitUntilBlocked();
      await retrying.query("COMMIT");

      expect(await pass).toBe(0);
    } finally {
      retrying.release();
    }
    expect(await queue.getJob(db.pool, retried!.jobId)).toMatchObject({ status: "queued" });
    expect(await runCount()).toBe(2);
  });
});

/** Until a statement of this database waits for a lock (the retention pass behind the retry). */
async function waitUntilBlocked(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const waiting = await db.pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%doomed%' AND pid <> pg_backend_pid()`,
    );
    if ((waiting.rowCount ?? 0) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("the retention pass never waited for the retried job's lock");
}
