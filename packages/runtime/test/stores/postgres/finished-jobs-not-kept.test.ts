/**
 * Retention that keeps no finished job (`retention.maxFinishedJobs: 0`): the completion that
 * finishes a job deletes it and its runs in the same statement (complete-and-claim.sql, $12), as
 * graphile-worker deletes a job it completed; nothing is left for a retention pass.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobRegistry,
  type JobInvoker,
  type JobScheduler,
} from "../../../src/index.js";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import type { NewJobRow, RunCompletionRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import {
  createMigratedTestSchema,
  type TestSchema,
  waitForState,
} from "./support/test-database.js";
import { runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
let inserts: JobInsertRepository;
let queue: QueueRepository;
let cancels: CancelRepository;
const LEASE = 30_000;

beforeAll(async () => {
  db = await createMigratedTestSchema("not_kept");
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

async function rowsOf(jobId: string): Promise<{ jobs: number; runs: number }> {
  const jobs = await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.jobs WHERE job_id = $1`, [
    jobId,
  ]);
  const runs = await db.pool.query(`SELECT 1 FROM ${db.schema.quoted}.runs WHERE job_id = $1`, [
    jobId,
  ]);
  return { jobs: jobs.rowCount ?? 0, runs: runs.rowCount ?? 0 };
}

/** Inserts `job` and leases its run to `owner`; answers the lease token. */
async function leased(job: NewJobRow, owner = "w1", nowMs = T0): Promise<number> {
  await inserts.insertJobs(db.pool, [job]);
  const { claimed } = await queue.completeAndClaim(db.pool, [], [], {
    owner,
    nowMs,
    limit: 1,
    leaseMs: LEASE,
  });
  expect(claimed.map((run) => run.runId)).toEqual([job.runId]);
  return claimed[0]!.claims;
}

function complete(
  completions: RunCompletionRow[],
  keepFinishedJobs: boolean,
  owner = "w1",
): ReturnType<QueueRepository["completeAndClaim"]> {
  return queue.completeAndClaim(db.pool, completions, [], {
    owner,
    nowMs: T0 + 10,
    limit: 0,
    leaseMs: LEASE,
    keepFinishedJobs,
  });
}

const outcome = (runId: string, claims: number, status: RunCompletionRow["status"]) => ({
  runId,
  claims,
  status,
  message: status === "failed" ? "boom" : null,
  startedAtMs: T0 + 1,
  completedAtMs: T0 + 2,
});

describe("a completion when retention keeps no finished job", () => {
  it("deletes the job it finishes and its run, in the completing statement", async () => {
    const job = newJobRow();
    const claims = await leased(job);

    const result = await complete([outcome(job.runId, claims, "succeeded")], false);

    expect([...result.completed]).toEqual([job.runId]);
    expect(await rowsOf(job.jobId)).toEqual({ jobs: 0, runs: 0 });
    expect(await queue.getJob(db.pool, job.jobId)).toBeNull();
  });

  it("keeps a job with a retry left, then deletes it with every attempt's run once it finishes", async () => {
    const job = newJobRow({ maxAttempts: 2 });
    const claims = await leased(job);
    const retryRunId = randomUUID();

    await complete(
      [{ ...outcome(job.runId, claims, "failed"), retry: { runId: retryRunId, dueTimeMs: T0 } }],
      false,
    );
    expect(await rowsOf(job.jobId)).toEqual({ jobs: 1, runs: 2 });
    expect(await queue.getJob(db.pool, job.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
    });

    const { claimed } = await queue.completeAndClaim(db.pool, [], [], {
      owner: "w1",
      nowMs: T0 + 5,
      limit: 1,
      leaseMs: LEASE,
    });
    expect(claimed.map((run) => run.runId)).toEqual([retryRunId]);
    await complete([outcome(retryRunId, claimed[0]!.claims, "failed")], false);

    expect(await rowsOf(job.jobId)).toEqual({ jobs: 0, runs: 0 });
  });

  it("deletes nothing for a completion the lease no longer holds (fencing)", async () => {
    const job = newJobRow();
    const claims = await leased(job);

    const stale = await complete([outcome(job.runId, claims + 1, "succeeded")], false);
    const otherOwner = await complete([outcome(job.runId, claims, "succeeded")], false, "w2");

    expect(stale.completed.size).toBe(0);
    expect(otherOwner.completed.size).toBe(0);
    expect(await rowsOf(job.jobId)).toEqual({ jobs: 1, runs: 1 });
    expect(await queue.getJob(db.pool, job.jobId)).toMatchObject({ status: "running" });
  });

  it("deletes a job whose cancel was requested while it ran, retry or not", async () => {
    const job = newJobRow({ maxAttempts: 3 });
    const claims = await leased(job);
    expect((await cancels.cancelJob(db.pool, job.jobId, T0 + 1)).outcome).toBe("abort-active");

    await complete(
      [
        {
          ...outcome(job.runId, claims, "failed"),
          retry: { runId: randomUUID(), dueTimeMs: T0 + 100 },
        },
      ],
      false,
    );

    expect(await rowsOf(job.jobId)).toEqual({ jobs: 0, runs: 0 });
  });

  it("records the outcome of a run that is no longer its job's current run, and keeps the job", async () => {
    const job = newJobRow();
    const claims = await leased(job);
    // Another run became the job's current one while this one ran (as retryJob would make it).
    const newer = randomUUID();
    await db.pool.query(
      `INSERT INTO ${db.schema.quoted}.runs (run_id, job_id, job_name, attempt, due_time, status)
       VALUES ($1, $2, 'emails.send', 2, to_timestamp($3::float8 / 1000), 'queued')`,
      [newer, job.jobId, T0 + 60_000],
    );
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.jobs SET current_run_id = $1, attempt = 2 WHERE job_id = $2`,
      [newer, job.jobId],
    );

    const result = await complete([outcome(job.runId, claims, "succeeded")], false);

    expect([...result.completed]).toEqual([job.runId]);
    expect(await rowsOf(job.jobId)).toEqual({ jobs: 1, runs: 2 });
    const old = await db.pool.query(
      `SELECT status FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
      [job.runId],
    );
    expect(old.rows[0]).toEqual({ status: "succeeded" });
  });

  it("keeps the finished job when finished jobs are kept (the default)", async () => {
    const job = newJobRow();
    const claims = await leased(job);

    await complete([outcome(job.runId, claims, "succeeded")], true);

    expect(await rowsOf(job.jobId)).toEqual({ jobs: 1, runs: 1 });
    expect(await queue.getJob(db.pool, job.jobId)).toMatchObject({ status: "succeeded" });
  });
});

/** A scheduler running `name` with `invoke` on a store that keeps no finished job. */
function keepingNone(name: string, invoke: JobInvoker): JobScheduler {
  return createScheduler({
    registry: defineJobRegistry(
      [{ descriptor: runtimeJobDescriptor(name), jobClass: class {}, invoke }],
      [],
    ),
    services: () => ({}),
    store: postgresStore({
      pool: db.pool,
      schema: db.schema.name,
      pollIntervalMs: 60_000,
      retention: { maxFinishedJobs: 0 },
    }),
    logger: { warn: () => undefined, error: () => undefined },
  });
}

describe("postgresStore({ retention: { maxFinishedJobs: 0 } })", () => {
  it("leaves no row behind for jobs that ran, succeeded or failed, and getJob forgets them", async () => {
    const scheduler = keepingNone("notkept.work", (_services, payload) => {
      if ((payload as { n: number }).n < 0) throw new Error("negative");
    });
    await scheduler.start();
    try {
      const handles = await Promise.all(
        [1, 2, 3, -1].map((n) => scheduler.enqueue("notkept.work", { n })),
      );
      await scheduler.whenIdle();
      for (const { jobId } of handles) expect(await scheduler.getJob(jobId)).toBeNull();
      const left = await db.pool.query(
        `SELECT (SELECT count(*) FROM ${db.schema.quoted}.jobs)::int AS jobs, (SELECT count(*) FROM ${db.schema.quoted}.runs)::int AS runs`,
      );
      expect(left.rows[0]).toEqual({ jobs: 0, runs: 0 });
    } finally {
      await scheduler.stop();
    }
  });

  it("keeps a run-time schedule firing once per slot although each finished head is deleted", async () => {
    const dueTimes: number[] = [];
    const scheduler = keepingNone("notkept.slot", (_services, _payload, context) => {
      dueTimes.push(context.dueTime.getTime());
    });
    await scheduler.start();
    try {
      await scheduler.upsertSchedule("tenant-1", "notkept.slot", {}, { fixedRate: "100ms" });
      await waitForState(
        async () => dueTimes.length,
        (ran) => ran >= 5,
        "five slots of a 100 ms schedule",
      );
      await scheduler.removeSchedule("tenant-1");
      await scheduler.whenIdle();
      // One run per slot: due times strictly increasing, 100 ms apart.
      const firstFive = dueTimes.slice(0, 5);
      expect(firstFive.slice(1).map((due, index) => due - firstFive[index]!)).toEqual([
        100, 100, 100, 100,
      ]);
      expect(new Set(dueTimes).size).toBe(dueTimes.length);
    } finally {
      await scheduler.stop();
    }
  });
});
