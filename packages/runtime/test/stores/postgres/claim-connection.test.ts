/**
 * The claim connection (claim-connection.ts): a store holds one pool connection for its claims
 * while open, when the pool is large enough; a lost one is replaced; small pools are not starved.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewRuntimeJob } from "../../../src/stores/job-store.js";
import { ClaimConnection } from "../../../src/stores/postgres/claim-connection.js";
import { postgresStore, type PostgresJobStore } from "../../../src/stores/postgres/index.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
const APPLICATION_NAME = `elarion-claim-connection-${process.pid}`;

beforeAll(async () => {
  db = await createTestSchema("claimconn");
});
afterAll(async () => {
  await db?.drop();
});

const descriptors = [runtimeJobDescriptor("emails.send")];

function newPool(options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: TEST_DATABASE_URL,
    application_name: APPLICATION_NAME,
    ...options,
  });
  pool.on("error", () => undefined);
  return pool;
}

function recordingLogger() {
  const warnings: string[] = [];
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void warnings.push(message),
  };
  return { warnings, logger: () => logger };
}

async function backendPid(connection: ClaimConnection): Promise<number> {
  return (await connection.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
}

async function terminate(pid: number): Promise<void> {
  await db.pool.query("SELECT pg_terminate_backend($1)", [pid]);
}

/** The backends of this file's pools whose last statement was a claim (complete-and-claim.sql). */
async function claimBackends(): Promise<number[]> {
  const result = await db.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'WITH locked AS%' ORDER BY pid`,
    [APPLICATION_NAME],
  );
  return result.rows.map((row) => row.pid);
}

function dueJob(): NewRuntimeJob {
  const now = Date.now();
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
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
  };
}

async function openStore(pool: pg.Pool, host = new RecordingHost(descriptors)) {
  const store = postgresStore({ pool, schema: db.schema.name, pollIntervalMs: 60_000 });
  await store.open(host);
  return { store, host };
}

/** Enqueues one due job and claims until the store hands it out (the claim must lease it). */
async function insertAndClaim(store: PostgresJobStore): Promise<void> {
  const job = dueJob();
  await store.insertJob(job);
  const claimed = await store.claimDueRuns(Date.now(), 8);
  expect(claimed.map((run) => run.runId)).toContain(job.runId);
}

describe("ClaimConnection", () => {
  it("runs every query on one connection, which the pool's idle timeout does not close", async () => {
    const pool = newPool({ max: 6, idleTimeoutMillis: 1 });
    const connection = ClaimConnection.forStore(pool, recordingLogger().logger);
    try {
      expect(connection.holds).toBe(true);
      await connection.warm();
      const first = await backendPid(connection);
      // Another connection, used and given back: the pool closes it after 1 ms idle.
      await pool.query("SELECT 1");
      await waitForState(
        async () => pool.idleCount,
        (idle) => idle === 0,
        "the pool to close its idle connection",
      );
      expect(await backendPid(connection)).toBe(first);
      expect(pool.totalCount).toBe(1);
    } finally {
      await connection.close();
      await pool.end();
    }
  });

  it("a connection lost while idle is given back broken, warned of, and replaced by the next query", async () => {
    const pool = newPool({ max: 6 });
    const { warnings, logger } = recordingLogger();
    const connection = ClaimConnection.forStore(pool, logger);
    try {
      const first = await backendPid(connection);
      await terminate(first);
      await waitForState(
        async () => warnings.length,
        (n) => n > 0,
        "the lost claim connection to be noticed",
      );
      expect(warnings).toEqual([
        "postgresStore: the claim connection was lost; the next claim opens a new one",
      ]);
      const second = await backendPid(connection);
      expect(second).not.toBe(first);
      // The broken one was destroyed, not returned to the pool.
      expect(pool.totalCount).toBe(1);
    } finally {
      await connection.close();
      await pool.end();
    }
  });

  it("a statement failing with a connection error rejects, and the next query takes a fresh connection", async () => {
    const pool = newPool({ max: 6 });
    const connection = ClaimConnection.forStore(pool, recordingLogger().logger);
    try {
      const first = await backendPid(connection);
      const sleeping = connection.query("SELECT pg_sleep(30)");
      await waitForState(
        async () =>
          (await db.pool.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [first]))
            .rows[0]?.state as string | undefined,
        (state) => state === "active",
        "the sleep to run",
      );
      await terminate(first);
      await expect(sleeping).rejects.toThrow(/terminat/);
      expect(await backendPid(connection)).not.toBe(first);
      expect(pool.totalCount).toBe(1);
    } finally {
      await connection.close();
      await pool.end();
    }
  });

  it("a statement error keeps the connection", async () => {
    const pool = newPool({ max: 6 });
    const connection = ClaimConnection.forStore(pool, recordingLogger().logger);
    try {
      const first = await backendPid(connection);
      await expect(connection.query("SELECT 1/0")).rejects.toThrow(/division by zero/);
      expect(await backendPid(connection)).toBe(first);
    } finally {
      await connection.close();
      await pool.end();
    }
  });

  it("replaces a connection older than the pool's maxLifetimeSeconds", async () => {
    const pool = newPool({ max: 6, maxLifetimeSeconds: 1 });
    const connection = ClaimConnection.forStore(pool, recordingLogger().logger);
    try {
      const first = await backendPid(connection);
      await waitForState(
        () => backendPid(connection),
        (pid) => pid !== first,
        "a new connection once the first one's lifetime ended",
        5_000,
      );
      expect(pool.totalCount).toBe(1);
    } finally {
      await connection.close();
      await pool.end();
    }
  });

  it("close gives the connection back; later queries borrow from the pool", async () => {
    const pool = newPool({ max: 6 });
    const connection = ClaimConnection.forStore(pool, recordingLogger().logger);
    try {
      await connection.warm();
      expect(pool.idleCount).toBe(0);
      await connection.close();
      expect(pool.idleCount).toBe(1);
      expect((await connection.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      await connection.close();
      await pool.end();
    }
  });
});

describe("postgresStore's claim connection", () => {
  it("claims run on one backend held by the store, across the pool's idle timeout; released at close", async () => {
    const pool = newPool({ max: 6, idleTimeoutMillis: 1 });
    const { store } = await openStore(pool);
    try {
      await insertAndClaim(store);
      const [held, ...others] = await claimBackends();
      expect(held).toBeDefined();
      expect(others).toEqual([]);
      // Only the LISTEN and claim connections stay open; the others closed after 1 ms idle.
      await waitForState(
        async () => pool.totalCount,
        (total) => total === 2,
        "the pool to close its idle connections",
      );
      await insertAndClaim(store);
      expect(await claimBackends()).toEqual([held]);

      await store.close();
      expect(pool.totalCount - pool.idleCount).toBe(0);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it("a claim connection lost while idle is replaced: the next claim leases", async () => {
    const pool = newPool({ max: 6 });
    const { store, host } = await openStore(pool);
    try {
      await insertAndClaim(store);
      const [held] = await claimBackends();
      await terminate(held!);
      await waitForState(
        async () => host.warnings.filter((m) => m.includes("claim connection was lost")).length,
        (n) => n === 1,
        "the store to notice its lost claim connection",
      );
      await insertAndClaim(store);
      expect(await claimBackends()).not.toContain(held);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  for (const max of [2, 3, 5]) {
    it(`a pool of max ${max} is not starved: claims borrow from it and the user's queries still answer`, async () => {
      const pool = newPool({ max });
      const { store } = await openStore(pool);
      try {
        await insertAndClaim(store);
        // The LISTEN connection is held; the claim's went back to the pool.
        expect(pool.totalCount - pool.idleCount).toBe(1);
        const answer = await Promise.race([
          pool.query("SELECT 1 AS one").then((result) => result.rows[0].one as number),
          new Promise<string>((resolve) => setTimeout(() => resolve("starved"), 5_000)),
        ]);
        expect(answer).toBe(1);
        await insertAndClaim(store);
      } finally {
        await store.close();
        await pool.end();
      }
    });
  }

  it("stores sharing a pool count each other's connections: the second of two on max 7 holds none", async () => {
    const pool = newPool({ max: 7 });
    const first = await openStore(pool);
    let second: Awaited<ReturnType<typeof openStore>> | null = null;
    let third: Awaited<ReturnType<typeof openStore>> | null = null;
    try {
      // First: LISTEN + claim. Second: LISTEN only, so four connections stay free.
      second = await openStore(pool);
      expect(pool.totalCount - pool.idleCount).toBe(3);
      await insertAndClaim(second.store);
      expect(pool.totalCount - pool.idleCount).toBe(3);
      await first.store.close();
      // The first store's connections are counted no more: a third store holds a claim connection.
      third = await openStore(pool);
      expect(pool.totalCount - pool.idleCount).toBe(3);
    } finally {
      await Promise.all([first.store.close(), second?.store.close(), third?.store.close()]);
      await pool.end();
    }
  });
});
