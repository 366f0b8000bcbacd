/**
 * Look-ahead claims (claims.ts): once the dispatcher is about to sleep until the next queued run
 * and that run is due within the lead, the store leases it ahead into the prefetch and hands it
 * out when due without a round trip. On a ManualClock, so "due" is exactly when the test says.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NewRuntimeJob } from "../../../src/stores/job-store.js";
import { postgresStore, type PostgresJobStore } from "../../../src/stores/postgres/index.js";
import { ManualClock } from "../../../src/testing/manual-clock.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
const opened: { store: PostgresJobStore; pool: pg.Pool }[] = [];

beforeAll(async () => {
  db = await createTestSchema("lookahead");
});
afterEach(async () => {
  for (const { store, pool } of opened.splice(0)) {
    await store.close();
    await pool.end();
  }
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});
afterAll(async () => {
  await db?.drop();
});

const descriptors = [runtimeJobDescriptor("emails.send")];

async function openStore() {
  const clock = new ManualClock(new Date());
  const host = new RecordingHost(descriptors, { clock });
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 6 });
  const store = postgresStore({ pool, schema: db.schema.name, pollIntervalMs: 60_000 });
  opened.push({ store, pool });
  await store.open(host);
  return { store, clock };
}

function jobDueAt(dueTimeMs: number): NewRuntimeJob {
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "emails.send",
    payload: {},
    dueTimeMs,
    createdAtMs: dueTimeMs,
    correlationId: null,
    maxAttempts: 1,
    resilience: null,
    resilienceMode: "inline",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
    traceContext: null,
  };
}

async function runRow(
  runId: string,
): Promise<{ status: string; claims: number; started: boolean; owner: string | null }> {
  const result = await db.pool.query(
    `SELECT status, claims, started_at IS NOT NULL AS started, owner FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
    [runId],
  );
  return result.rows[0];
}

/** The dispatcher's turn before it sleeps: a claim (nothing due yet), then the next due time. */
async function dispatcherSleeps(store: PostgresJobStore, clock: ManualClock): Promise<void> {
  expect(await store.claimDueRuns(clock.now(), 8)).toEqual([]);
  void store.nextDueTime();
}

async function leasedAhead(runId: string): Promise<void> {
  await waitForState(
    () => runRow(runId),
    (row) => row.status === "running",
    "the run to be leased ahead",
  );
}

describe("look-ahead claims", () => {
  it("a run due within the lead is leased ahead, not marked started, and handed out when due without a round trip", async () => {
    const { store, clock } = await openStore();
    const job = jobDueAt(clock.now() + 30);
    await store.insertJob(job);
    await dispatcherSleeps(store, clock);
    await leasedAhead(job.runId);
    expect(await runRow(job.runId)).toMatchObject({ started: false, claims: 1 });
    expect(store.nextDueTime()).toBe(job.dueTimeMs);
    // Not due yet: not handed out.
    expect(await store.claimDueRuns(clock.now() + 29, 8)).toEqual([]);

    await clock.advance(30);
    // Every claim statement would now wait for this lock: the handout must not need one.
    const locker = await db.pool.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE ${db.schema.quoted}.runs IN ACCESS EXCLUSIVE MODE`);
      const handedOut = await Promise.race([
        store.claimDueRuns(clock.now(), 8),
        new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 5_000)),
      ]);
      expect(handedOut).not.toBe("blocked");
      expect((handedOut as readonly { runId: string }[]).map((run) => run.runId)).toEqual([
        job.runId,
      ]);
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
  });

  it("runs leased ahead are handed out in due order, however many claims leased them", async () => {
    const { store, clock } = await openStore();
    const later = jobDueAt(clock.now() + 35);
    await store.insertJob(later);
    await dispatcherSleeps(store, clock);
    await leasedAhead(later.runId);
    // Learned after the first look-ahead claim, due before the run it leased.
    const earlier = jobDueAt(clock.now() + 20);
    await store.insertJob(earlier);
    await dispatcherSleeps(store, clock);
    await leasedAhead(earlier.runId);
    expect(store.nextDueTime()).toBe(earlier.dueTimeMs);

    await clock.advance(35);
    const handedOut = await store.claimDueRuns(clock.now(), 8);
    expect(handedOut.map((run) => run.runId)).toEqual([earlier.runId, later.runId]);
  });

  it("a cancel of a run leased ahead ends it before execution; it is never handed out", async () => {
    const { store, clock } = await openStore();
    const job = jobDueAt(clock.now() + 30);
    await store.insertJob(job);
    await dispatcherSleeps(store, clock);
    await leasedAhead(job.runId);

    expect(await store.cancelJob(job.jobId, clock.now())).toMatchObject({
      outcome: "cancelled-before-start",
      runId: job.runId,
    });
    await clock.advance(30);
    expect(await store.claimDueRuns(clock.now(), 8)).toEqual([]);
    expect(await runRow(job.runId)).toMatchObject({ status: "cancelled", started: false });
  });

  it("close gives runs leased ahead back to the queue", async () => {
    const { store, clock } = await openStore();
    const job = jobDueAt(clock.now() + 30);
    await store.insertJob(job);
    await dispatcherSleeps(store, clock);
    await leasedAhead(job.runId);
    await store.close();
    expect(await runRow(job.runId)).toMatchObject({ status: "queued", owner: null });
  });

  it("a store that never claimed (an enqueue-only process) never claims ahead", async () => {
    const { store, clock } = await openStore();
    const job = jobDueAt(clock.now() + 30);
    await store.insertJob(job);
    expect(store.nextDueTime()).toBe(job.dueTimeMs);
    // close() waits for any claim in flight; a run leased and given back would count a claim.
    await store.close();
    expect(await runRow(job.runId)).toMatchObject({ status: "queued", claims: 0 });
  });
});
