import { randomUUID } from "node:crypto";
import type { QueryConfig } from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CancelBatcher,
  type CancelConnections,
  type HeldConnection,
} from "../../../src/stores/postgres/cancel-batcher.js";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import { migrate } from "../../../src/stores/postgres/migrations.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let inserts: JobInsertRepository;
let queue: QueueRepository;
const T0 = Date.UTC(2030, 0, 1);

beforeAll(async () => {
  db = await createTestSchema("cancel_batcher");
  const client = await db.pool.connect();
  await migrate(client, db.schema).finally(() => client.release());
  inserts = new JobInsertRepository(db.schema);
  queue = new QueueRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});

function newJob(): NewJobRow {
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "emails.send",
    payload: { n: 1 },
    dueTimeMs: T0,
    maxAttempts: 1,
    correlationId: null,
    resilience: null,
    resilienceMode: "inline",
    createdAtMs: T0 - 1_000,
  };
}

const textOf = (query: string | QueryConfig<unknown[]>): string =>
  typeof query === "string" ? query : query.text;

/**
 * The test schema's pool, recording what the batcher does with it: statements sent alone on the
 * pool, transactions opened on held connections, and statements run inside them. `fail` may make a
 * statement on a held connection throw (before it is sent).
 */
function recordingPool(
  fail: (text: string, values: unknown[] | undefined) => boolean = () => false,
) {
  const log = { alone: 0, transactions: 0, grouped: 0, commits: 0 };
  const connections: CancelConnections = {
    query: ((query: string | QueryConfig<unknown[]>, values?: unknown[]) => {
      log.alone += 1;
      return typeof query === "string" ? db.pool.query(query, values) : db.pool.query(query);
    }) as CancelConnections["query"],
    async connect(): Promise<HeldConnection> {
      const client = await db.pool.connect();
      return {
        query: (async (query: string | QueryConfig<unknown[]>, values?: unknown[]) => {
          const text = textOf(query);
          const parameters = typeof query === "string" ? values : query.values;
          if (text === "BEGIN") log.transactions += 1;
          else if (text === "COMMIT") log.commits += 1;
          else if (text !== "ROLLBACK") log.grouped += 1;
          if (fail(text, parameters)) throw new Error(`injected failure of ${text.slice(0, 20)}`);
          return typeof query === "string" ? client.query(query, values) : client.query(query);
        }) as HeldConnection["query"],
        release: (error) => client.release(error),
      };
    },
  };
  return { connections, log };
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
    expect(log).toEqual({ alone: 2, transactions: 0, grouped: 0, commits: 0 });
  });

  it("commits concurrent cancels together, each answering what its statement alone would, in call order", async () => {
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
    // 56 cancels, 55 with a uuid (the other is answered without a statement): a few transactions, not 55 commits.
    expect(log.alone + log.grouped).toBe(55);
    expect(log.transactions).toBeGreaterThanOrEqual(1);
    expect(log.transactions).toBeLessThanOrEqual(2);
    expect(log.commits).toBe(log.transactions);
  });

  it("rolls a group back when one of its statements fails and runs each cancel again on its own", async () => {
    const jobs = Array.from({ length: 5 }, newJob);
    await inserts.insertJobs(db.pool, jobs);
    // The third job's statement fails inside the group (say a deadlock with another process).
    const { connections, log } = recordingPool(
      (text, values) => text !== "BEGIN" && values?.[0] === jobs[2]!.jobId,
    );
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.all(jobs.map((job) => batcher.cancelJob(job.jobId, T0)));

    expect(answers.map((answer) => answer.outcome)).toEqual(
      Array(5).fill("cancelled-before-start"),
    );
    expect(log.commits).toBe(0);
    expect(log.alone).toBeGreaterThanOrEqual(5);
    for (const job of jobs)
      expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
  });

  it("fails every cancel of a group whose commit fails, and none of them took effect", async () => {
    const jobs = Array.from({ length: 6 }, newJob);
    await inserts.insertJobs(db.pool, jobs);
    const { connections, log } = recordingPool((text) => text === "COMMIT");
    const batcher = new CancelBatcher(new CancelRepository(db.schema), connections);

    const answers = await Promise.allSettled(jobs.map((job) => batcher.cancelJob(job.jobId, T0)));

    // At most the first runs alone (and commits); the others met the failing commit.
    expect(log.transactions).toBeGreaterThanOrEqual(1);
    const rejected = answers.filter((answer) => answer.status === "rejected");
    expect(rejected.length).toBe(jobs.length - log.alone);
    for (const answer of rejected)
      expect(String((answer as PromiseRejectedResult).reason)).toContain(
        "injected failure of COMMIT",
      );
    for (const [index, job] of jobs.entries()) {
      const state = await queue.getJob(db.pool, job.jobId);
      expect(state?.status).toBe(answers[index]!.status === "fulfilled" ? "cancelled" : "queued");
    }
  });
});
