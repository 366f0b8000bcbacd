/**
 * Rows a worker claims but cannot run as they are — a resilience policy written by an older
 * deployment, an outcome PostgreSQL refuses to store — end `failed` with a message that says why,
 * and never strand the runs claimed in the same batch: every job is accounted for, and nothing
 * stays leased after the worker stops.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  defineJobRegistry,
  resiliencePolicy,
  type JobDescriptor,
  type JobRunHandle,
  type JobScheduler,
} from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { createTestSchema, waitForState, type TestSchema } from "./support/test-database.js";
import { runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
const started: JobScheduler[] = [];

beforeAll(async () => {
  db = await createTestSchema("unrunnable");
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()));
  await db.pool
    .query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`)
    .catch(() => undefined);
});
afterAll(async () => {
  await db?.drop();
});

const oldPolicy = resiliencePolicy("old-policy", { maxRetryAttempts: 2, delay: "1s" });
/** What a deployment that named its fields differently wrote into `jobs.resilience`. */
const OLD_POLICY_JSON = { name: "old-policy", maxRetryAttempts: 2, delay: "1s" };

const descriptors: JobDescriptor[] = [
  runtimeJobDescriptor("fails.always"),
  runtimeJobDescriptor("fails.nul"),
  runtimeJobDescriptor("noop.count"),
];

/** A worker whose `noop.count` bodies count their runs per job id. */
async function startWorker(ran: Map<string, number>): Promise<JobScheduler> {
  const bodies: Record<string, (payload: unknown, context: { jobId: string }) => Promise<void>> = {
    "fails.always": async () => {
      throw new Error("the body fails");
    },
    "fails.nul": async () => {
      throw new Error("bad byte \u0000 in the message");
    },
    "noop.count": async (_payload, context) => {
      ran.set(context.jobId, (ran.get(context.jobId) ?? 0) + 1);
    },
  };
  const worker = createScheduler({
    registry: defineJobRegistry(
      descriptors.map((descriptor) => ({
        descriptor,
        jobClass: class {},
        invoke: (_services: unknown, payload: unknown, context: { jobId: string }) =>
          bodies[descriptor.name]!(payload, context),
      })),
      [oldPolicy],
    ),
    services: () => ({}),
    store: postgresStore({
      pool: db.openPool(4),
      schema: db.schema.name,
      leaseMs: 60_000,
      pollIntervalMs: 60_000,
    }),
    logger: { warn: () => undefined, error: () => undefined },
    maxRetainedCompletedJobs: 10_000,
  });
  started.push(worker);
  await worker.start();
  return worker;
}

/** Enqueues from a process that runs nothing (descriptors only). */
async function producer(): Promise<JobScheduler> {
  const scheduler = createScheduler({
    registry: defineJobDescriptors(descriptors, [oldPolicy]),
    store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
    logger: { warn: () => undefined, error: () => undefined },
  });
  started.push(scheduler);
  await scheduler.start();
  return scheduler;
}

/** One unrunnable job and 50 plain ones, all due now, so one claim takes them together. */
async function enqueueBatch(
  from: JobScheduler,
  unrunnable: () => Promise<JobRunHandle>,
): Promise<{ bad: JobRunHandle; mates: JobRunHandle[] }> {
  const bad = await unrunnable();
  const mates = await Promise.all(
    Array.from({ length: 50 }, (_, i) => from.enqueue("noop.count", { i })),
  );
  return { bad, mates };
}

async function statusesOf(jobIds: readonly string[]): Promise<Record<string, string>> {
  const result = await db.pool.query(
    `SELECT j.job_id::text AS id, r.status FROM ${db.schema.quoted}.jobs j JOIN ${db.schema.quoted}.runs r ON r.run_id = j.current_run_id WHERE j.job_id = ANY($1::uuid[])`,
    [jobIds],
  );
  return Object.fromEntries(result.rows.map((row) => [row.id as string, row.status as string]));
}

async function unfinishedRuns(): Promise<number> {
  const result = await db.pool.query(
    `SELECT count(*)::int AS n FROM ${db.schema.quoted}.runs WHERE status IN ('running', 'queued')`,
  );
  return result.rows[0].n as number;
}

async function accountFor(
  from: JobScheduler,
  batch: { bad: JobRunHandle; mates: JobRunHandle[] },
  ran: Map<string, number>,
): Promise<string> {
  const ids = [batch.bad.jobId, ...batch.mates.map((m) => m.jobId)];
  const statuses = await waitForState(
    () => statusesOf(ids),
    (s) =>
      Object.values(s).filter((status) => status === "succeeded" || status === "failed").length ===
      ids.length,
    "the unrunnable job and its 50 batch-mates to end",
    15_000,
  );
  expect(statuses[batch.bad.jobId]).toBe("failed");
  for (const mate of batch.mates) {
    expect(statuses[mate.jobId]).toBe("succeeded");
    expect(ran.get(mate.jobId)).toBe(1);
  }
  const state = await from.getJob(batch.bad.jobId);
  expect(state?.status).toBe("failed");
  return state!.lastError ?? "";
}

describe("rows a worker cannot run as stored", () => {
  it("a deferred-retry job whose stored policy an older deployment wrote ends failed, saying why; its 50 batch-mates run; a fresh worker is not poisoned", async () => {
    const from = await producer();
    const writeOldPolicy = async (): Promise<JobRunHandle> => {
      const handle = await from.enqueue(
        "fails.always",
        { i: -1 },
        { resilience: "old-policy", resilienceMode: "deferred-retry" },
      );
      await db.pool.query(`UPDATE ${db.schema.quoted}.jobs SET resilience = $2 WHERE job_id = $1`, [
        handle.jobId,
        JSON.stringify(OLD_POLICY_JSON),
      ]);
      return handle;
    };

    for (const round of ["first worker", "fresh worker"]) {
      const batch = await enqueueBatch(from, writeOldPolicy);
      const ran = new Map<string, number>();
      const worker = await startWorker(ran);
      const lastError = await accountFor(from, batch, ran);
      expect(lastError, round).toContain('resilience policy "old-policy"');
      expect(lastError, round).toContain("delayMs");
      expect(lastError, round).toMatch(/older or newer deployment/);
      await worker.stop();
      expect(await unfinishedRuns(), `${round}: runs left leased or queued after stop()`).toBe(0);
    }
  });

  it("an outcome PostgreSQL refuses to store (a NUL byte in the error message) ends failed readably; its 50 batch-mates' outcomes are recorded", async () => {
    const from = await producer();
    const batch = await enqueueBatch(from, () => from.enqueue("fails.nul", { i: -1 }));
    const ran = new Map<string, number>();
    const worker = await startWorker(ran);
    const lastError = await accountFor(from, batch, ran);
    expect(lastError).toContain("bad byte");
    await worker.stop();
    expect(await unfinishedRuns()).toBe(0);
  });
});
