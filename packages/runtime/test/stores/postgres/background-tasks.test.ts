/**
 * The store's timers (heartbeat, poll) run on the scheduler's clock: with a ManualClock they fire
 * when the test moves the clock, and only then. Intervals here are an hour or more, so a timer on
 * the real clock could not fire within the test's bounded waits.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NewRuntimeJob } from "../../../src/stores/job-store.js";
import { postgresStore, type PostgresJobStore } from "../../../src/stores/postgres/index.js";
import type { PostgresStoreOptions } from "../../../src/stores/postgres/postgres-store-options.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { ManualClock } from "../../../src/testing/manual-clock.js";
import { createTestSchema, waitForState, type TestSchema } from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let db: TestSchema;
const opened: PostgresJobStore[] = [];
beforeAll(async () => {
  db = await createTestSchema("background");
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.end()));
  await db.pool
    .query(
      `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.occurrences`,
    )
    .catch(() => undefined);
});
afterAll(async () => {
  await db?.drop();
});

async function openStore(
  clock: ManualClock,
  options: Partial<PostgresStoreOptions>,
  pool = db.openPool(4),
): Promise<PostgresJobStore> {
  const store = postgresStore({ pool, schema: db.schema.name, ...options });
  opened.push(store);
  await store.open(new RecordingHost([runtimeJobDescriptor("reports.build")], { clock }));
  return store;
}

function job(dueTimeMs: number): NewRuntimeJob {
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "reports.build",
    payload: null,
    dueTimeMs,
    createdAtMs: dueTimeMs,
    correlationId: null,
    maxAttempts: 1,
    resilience: null,
    resilienceMode: "inline",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
  };
}

const runOf = async (runId: string) =>
  (
    await db.pool.query<{ status: string; owner: string | null; lease_ms: number | null }>(
      `SELECT status, owner, (extract(epoch from lease_expires_at) * 1000)::float8 AS lease_ms FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
      [runId],
    )
  ).rows[0]!;

describe("store timers on the scheduler's clock", () => {
  it("the poll reclaims a dead worker's expired lease when a ManualClock reaches the poll interval", async () => {
    const clock = new ManualClock();
    const store = await openStore(clock, { pollIntervalMs: 2 * HOUR });
    const lost = job(clock.now());
    await store.insertJob(lost);
    // Another worker leases it for 1 ms and dies.
    await new QueueRepository(db.schema).completeAndClaim(db.pool, [], [], {
      owner: "dead-worker",
      nowMs: clock.now(),
      limit: 1,
      leaseMs: 1,
    });
    expect(await runOf(lost.runId)).toMatchObject({ status: "running", owner: "dead-worker" });

    await clock.advance(2 * HOUR);

    const reclaimed = await waitForState(
      () => runOf(lost.runId),
      (run) => run.status === "queued",
      "the poll to requeue the expired run",
    );
    expect(reclaimed.owner).toBeNull();
  });

  it("the heartbeat extends a held lease when a ManualClock reaches the heartbeat interval", async () => {
    const clock = new ManualClock();
    const store = await openStore(clock, {
      leaseMs: 3 * HOUR,
      heartbeatMs: HOUR,
      pollIntervalMs: 24 * HOUR,
    });
    const held = job(clock.now());
    await store.insertJob(held);
    expect((await store.claimDueRuns(clock.now(), 1)).map((run) => run.runId)).toEqual([
      held.runId,
    ]);
    const leasedUntil = (await runOf(held.runId)).lease_ms!;

    await clock.advance(HOUR);

    const extended = await waitForState(
      () => runOf(held.runId),
      (run) => run.lease_ms! > leasedUntil,
      "the heartbeat to extend the lease",
    );
    expect(extended).toMatchObject({ status: "running", owner: store.workerId });
  });

  it("a clock moved a day at once runs each repeating task a few times, not once per interval skipped", async () => {
    const clock = new ManualClock();
    const pool = db.openPool(4);
    const store = await openStore(
      clock,
      { leaseMs: 30_000, heartbeatMs: 10_000, pollIntervalMs: 5_000 },
      pool,
    );
    const held = job(clock.now());
    await store.insertJob(held);
    await store.claimDueRuns(clock.now(), 1);
    const statements = countStatements(pool);

    await clock.advance(24 * HOUR);
    await store.close();

    // A timer armed per interval would have fired 17,280 polls and 8,640 heartbeats.
    expect(statements.count("extend-leases")).toBeGreaterThan(0);
    expect(statements.count("extend-leases")).toBeLessThan(100);
    expect(statements.count("reclaim-expired-leases")).toBeLessThan(100);
    statements.stop();
  });
});

/** Counts the named prepared statements a pool runs (the store names them `elarion.<schema>.<file>`). */
function countStatements(pool: pg.Pool) {
  const counts = new Map<string, number>();
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    const name = (config as { name?: string } | null)?.name;
    if (typeof name === "string")
      counts.set(name.split(".").pop()!, (counts.get(name.split(".").pop()!) ?? 0) + 1);
    return original(config, ...rest);
  };
  return {
    count: (statement: string) => counts.get(statement) ?? 0,
    stop: () => {
      (pool as { query: unknown }).query = original;
    },
  };
}
