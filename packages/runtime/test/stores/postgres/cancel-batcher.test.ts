import { randomUUID } from "node:crypto";
import type { QueryConfig } from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CancelBatcher } from "../../../src/stores/postgres/cancel-batcher.js";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import type { Queryable } from "../../../src/stores/postgres/queryable.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let inserts: JobInsertRepository;
let queue: QueueRepository;

beforeAll(async () => {
  db = await createMigratedTestSchema("cancel_batcher");
  inserts = new JobInsertRepository(db.schema);
  queue = new QueueRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});

function newJob(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return newJobRow({ payload: { n: 1 }, ...overrides });
}

/**
 * The test schema's pool, recording the statements the batcher sends (by statement name: cancel-job,
 * cancel-run, cancel-many, or anything else). `fail` may make a statement throw before it is sent.
 */
function recordingPool(fail: (statement: string) => Error | null = () => null) {
  const log = { alone: 0, many: 0, other: 0, manyItems: [] as number[] };
  const db$: Queryable = {
    query: ((query: string | QueryConfig<unknown[]>, values?: unknown[]) => {
      const name = typeof query === "string" ? "" : (query.name ?? "");
      const statement = name.slice(name.lastIndexOf(".") + 1);
      if (statement === "cancel-job" || statement === "cancel-run") log.alone += 1;
      else if (statement === "cancel-many") {
        log.many += 1;
        log.manyItems.push(((query as QueryConfig<unknown[]>).values![0] as unknown[]).length);
      } else log.other += 1;
      const failure = fail(statement);
      if (failure !== null) return Promise.reject(failure);
      return typeof query === "string" ? db.pool.query(query, values) : db.pool.query(query);
    }) as Queryable["query"],
  };
  return { connections: db$, log };
}

/** A failure the server answered (with a SQLSTATE): the statement was rolled back. */
function deadlock(): Error {
  return Object.assign(new Error("deadlock detected"), { code: "40P01" });
}

describe("cancel batcher", () => {
  it("runs a lone cancel as one statement on the pool, with no transaction of its own", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    const { connections, log } = recordingPool();
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    expect(await batcher.cancelJob(job.jobId, T0)).toMatchObject({
      outcome: "cancelled-before-start",
      jobId: job.jobId,
    });
    expect(await batcher.cancelJob(job.jobId, T0)).toEqual({ outcome: "not-found" });
    expect(log).toMatchObject({ alone: 2, many: 0, other: 0 });
  });

  it("judges concurrent cancels in one statement, each answering what its statement alone would, in call order", async () => {
    const jobs = Array.from({ length: 60 }, newJob);
    await inserts.insertJobs(db.pool, jobs);
    const finished = jobs[59]!;
    await new CancelRepository(db.schema).cancelJob(db.pool, finished.jobId, T0);
    const { connections, log } = recordingPool();
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.all([
      ...jobs.slice(0, 50).map((job) => batcher.cancelJob(job.jobId, T0 + 1)),
      batcher.cancelJob(jobs[0]!.jobId, T0 + 2), // the same job again: the first cancel took it
      batcher.cancelRun(jobs[50]!.runId, T0 + 3), // by run id
      batcher.cancelJob(jobs[50]!.jobId, T0 + 4), // then its job: already cancelled
      batcher.cancelJob(finished.jobId, T0 + 5), // finished before
      batcher.cancelJob(randomUUID(), T0 + 6), // unknown
      batcher.cancelRun("not-a-uuid", T0 + 7),
    ]);

    for (const [index, job] of jobs.slice(0, 50).entries())
      expect(answers[index]).toMatchObject({
        outcome: "cancelled-before-start",
        jobId: job.jobId,
        runId: job.runId,
      });
    expect(answers.slice(50)).toEqual([
      { outcome: "not-found" },
      expect.objectContaining({ outcome: "cancelled-before-start", runId: jobs[50]!.runId }),
      { outcome: "not-found" },
      { outcome: "not-found" },
      { outcome: "not-found" },
      { outcome: "not-found" },
    ]);
    for (const job of jobs.slice(0, 51))
      expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
    for (const job of jobs.slice(52, 59))
      expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("queued");
    // 56 cancels, 55 with a uuid (the other is answered without being sent): one statement, or two.
    expect(log.many).toBeGreaterThanOrEqual(1);
    expect(log.alone + log.many).toBeLessThanOrEqual(2);
    expect(log.alone + log.manyItems.reduce((sum, items) => sum + items, 0)).toBe(55);
    expect(log.other).toBe(0);
  });

  it("answers every cancel of a running run in a group, as each lone statement would (each flags it)", async () => {
    const [running, queued] = [newJob(), newJob()];
    await inserts.insertJobs(db.pool, [running, queued]);
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET status = 'running', owner = 'worker-a', lease_expires_at = now() + interval '1 minute' WHERE run_id = $1`,
      [running.runId],
    );
    const { connections, log } = recordingPool();
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.all([
      batcher.cancelJob(running.jobId, T0),
      batcher.cancelJob(queued.jobId, T0),
      batcher.cancelRun(running.runId, T0),
      batcher.cancelRun(queued.runId, T0),
    ]);

    expect(log.many).toBe(1);
    expect(answers).toEqual([
      expect.objectContaining({ outcome: "abort-active", runId: running.runId, owner: "worker-a" }),
      expect.objectContaining({ outcome: "cancelled-before-start", runId: queued.runId }),
      expect.objectContaining({ outcome: "abort-active", runId: running.runId, owner: "worker-a" }),
      { outcome: "not-found" },
    ]);
  });

  it("runs each cancel of a group again on its own when the server refused the group's statement", async () => {
    const jobs = Array.from({ length: 5 }, newJob);
    await inserts.insertJobs(db.pool, jobs);
    // The group's statement fails (say a deadlock with another process's cancels).
    const { connections, log } = recordingPool((statement) =>
      statement === "cancel-many" ? deadlock() : null,
    );
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.all(jobs.map((job) => batcher.cancelJob(job.jobId, T0)));

    expect(answers.map((answer) => answer.outcome)).toEqual(
      Array(5).fill("cancelled-before-start"),
    );
    expect(log.many).toBe(1);
    expect(log.alone).toBe(5);
    for (const job of jobs)
      expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
  });

  it("fails every cancel of a group whose statement's outcome is unknown (connection lost), and none is run again", async () => {
    const jobs = Array.from({ length: 6 }, newJob);
    await inserts.insertJobs(db.pool, jobs);
    const { connections, log } = recordingPool((statement) =>
      statement === "cancel-many" ? new Error("Connection terminated unexpectedly") : null,
    );
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.allSettled(jobs.map((job) => batcher.cancelJob(job.jobId, T0)));

    expect(log).toMatchObject({ many: 1, alone: 0 });
    for (const answer of answers)
      expect(String((answer as PromiseRejectedResult).reason)).toContain(
        "Connection terminated unexpectedly",
      );
    for (const job of jobs) expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("queued");
  });
});
