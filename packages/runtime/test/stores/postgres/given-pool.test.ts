/**
 * What postgresStore does to a pool you give it (docs/postgres.md, "Your pool"): it listens to the
 * pool's 'error' event while open — so a lost idle connection never ends the process — and leaves
 * your own listeners alone.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
const APPLICATION_NAME = `elarion-given-pool-${process.pid}`;

beforeAll(async () => {
  db = await createTestSchema("givenpool");
});
afterAll(async () => {
  await db?.drop();
});

const descriptors = [runtimeJobDescriptor("emails.send")];

/** A pool as the README writes it: no 'error' listener of its own. */
function barePool(): pg.Pool {
  return new pg.Pool({
    connectionString: TEST_DATABASE_URL,
    max: 4,
    application_name: APPLICATION_NAME,
  });
}

/** Terminates every session of the pools of this file (what a server restart does to them). */
async function terminateSessions(): Promise<number> {
  const result = await db.pool.query(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
    [APPLICATION_NAME],
  );
  return result.rows[0].n as number;
}

describe("postgresStore with a pool you give it", () => {
  it("a pool with no 'error' listener survives its idle connections being terminated, and the store works on", async () => {
    const pool = barePool();
    const host = new RecordingHost(descriptors);
    const store = postgresStore({ pool, schema: db.schema.name, pollIntervalMs: 60_000 });
    try {
      await store.open(host);
      // Idle connections in the pool besides the LISTEN one.
      await Promise.all([pool.query("SELECT pg_sleep(0.01)"), pool.query("SELECT pg_sleep(0.01)")]);
      const idle = pool.idleCount;
      expect(idle).toBeGreaterThan(0);

      expect(await terminateSessions()).toBeGreaterThan(1);
      // Every idle connection's loss heard (none is handed out dead to the insert below).
      await waitForState(
        async () =>
          host.warnings.filter((m) => m.includes("idle pooled connection was lost")).length,
        (lost) => lost >= idle,
        "the store to hear of every lost idle connection",
      );

      const now = Date.now();
      const jobId = "0190a0a0-0000-7000-8000-000000000001";
      await store.insertJob({
        jobId,
        runId: "0190a0a0-0000-7000-8000-000000000002",
        jobName: "emails.send",
        payload: {},
        dueTimeMs: now,
        createdAtMs: now,
        correlationId: null,
        maxAttempts: 1,
        resilience: null,
        resilienceMode: "inline",
        key: null,
        onDuplicate: "keep",
        occurrence: null,
        traceContext: null,
      });
      expect((await store.getJob(jobId))?.status).toBe("queued");
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it("adds one 'error' listener while open, removes only it at close, and keeps the user's own", async () => {
    const pool = barePool();
    const seen: Error[] = [];
    const mine = (error: Error): void => void seen.push(error);
    pool.on("error", mine);
    const store = postgresStore({ pool, schema: db.schema.name, pollIntervalMs: 60_000 });
    try {
      expect(pool.listeners("error")).toEqual([mine]);
      await store.open(new RecordingHost(descriptors));
      expect(pool.listenerCount("error")).toBe(2);
      expect(pool.listeners("error")[0]).toBe(mine);

      await pool.query("SELECT 1");
      await terminateSessions();
      await waitForState(
        async () => seen.length,
        (n) => n > 0,
        "the user's listener to hear the error too",
      );

      await store.close();
      expect(pool.listeners("error")).toEqual([mine]);
      // The store never ends a pool it was given.
      expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
