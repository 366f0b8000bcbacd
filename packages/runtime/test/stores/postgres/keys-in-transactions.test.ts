/**
 * Keys and bulk enqueue inside the caller's transaction (`{ client }`), on PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { startHarness, stopAllHarnesses } from "../../support/harness.js";
import { testJob } from "../../support/test-registry.js";
import { createTestSchema, waitForState, type TestSchema } from "./support/test-database.js";

let db: TestSchema;

beforeAll(async () => {
  db = await createTestSchema("keystx");
});
afterEach(async () => {
  await stopAllHarnesses();
  await db.pool.query(`DROP SCHEMA IF EXISTS ${db.schema.quoted} CASCADE`);
});
afterAll(async () => {
  await db?.drop();
});

async function start() {
  const sync = testJob("tenant.sync");
  return {
    ...(await startHarness([sync], {
      store: postgresStore({ pool: db.pool, schema: db.schema.name }),
    })),
    sync,
  };
}

async function inTransaction<T>(
  work: (client: unknown) => Promise<T>,
  end: "COMMIT" | "ROLLBACK",
): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query(end);
    return result;
  } finally {
    client.release();
  }
}

describe("keys inside the caller's transaction", () => {
  it("a keyed job of a rolled-back transaction holds nothing; of a committed one, the key", async () => {
    const { scheduler, sync, clock } = await start();
    const due = clock.now() + 60_000;
    const rolledBack = await inTransaction(
      (client) => scheduler.schedule(sync.jobClass, { id: 1 }, due, { key: "k", client }),
      "ROLLBACK",
    );
    const fresh = await scheduler.schedule(sync.jobClass, { id: 2 }, due, { key: "k" });
    expect(fresh.jobId).not.toBe(rolledBack.jobId);
    expect(fresh.deduplicated).toBe(false);
    expect(await scheduler.getJob(rolledBack.jobId)).toBeNull();

    const committed = await inTransaction(
      (client) => scheduler.schedule(sync.jobClass, { id: 3 }, due, { key: "other", client }),
      "COMMIT",
    );
    expect(await scheduler.schedule(sync.jobClass, { id: 4 }, due, { key: "other" })).toMatchObject(
      { jobId: committed.jobId, deduplicated: true },
    );
  });

  it("a replace inside a transaction moves the pending job only if the transaction commits", async () => {
    const { scheduler, sync, clock, probe } = await start();
    const original = await scheduler.schedule(sync.jobClass, { id: 1 }, clock.now() + 60_000, {
      key: "k",
    });
    await inTransaction(
      (client) =>
        scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 1_000, {
          key: "k",
          onDuplicate: "replace",
          client,
        }),
      "ROLLBACK",
    );
    expect((await scheduler.getJob(original.jobId))?.nextAttemptDueTime?.getTime()).toBe(
      clock.now() + 60_000,
    );
    const moved = await inTransaction(
      (client) =>
        scheduler.schedule(sync.jobClass, { id: 3 }, clock.now() + 2_000, {
          key: "k",
          onDuplicate: "replace",
          client,
        }),
      "COMMIT",
    );
    expect(moved).toMatchObject({ jobId: original.jobId, deduplicated: true });
    await clock.advance(2_000);
    expect(probe.calls.map((call) => [call.payload, call.context.jobId])).toEqual([
      [{ id: 3 }, original.jobId],
    ]);
  });

  it("a concurrent keyed enqueue waits for the transaction holding the key, then meets its job", async () => {
    const { scheduler, sync, clock } = await start();
    const due = clock.now() + 60_000;
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      const inside = await scheduler.schedule(sync.jobClass, { id: 1 }, due, { key: "k", client });
      let outsideSettled = false;
      const outside = scheduler
        .schedule(sync.jobClass, { id: 2 }, due, { key: "k" })
        .finally(() => {
          outsideSettled = true;
        });
      // The outside insert waits on the uncommitted job's index entry (a transaction lock): it cannot answer yet.
      await waitForState(
        async () =>
          (
            await db.pool.query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
            )
          ).rows[0].n,
        (n) => n > 0,
        "the outside insert to wait on the key",
      );
      expect(outsideSettled).toBe(false);
      await client.query("COMMIT");
      expect(await outside).toMatchObject({ jobId: inside.jobId, deduplicated: true });
    } finally {
      client.release();
    }
  });

  it("enqueueMany in a rolled-back transaction inserts nothing, in a committed one everything", async () => {
    const { scheduler, sync } = await start();
    const rolledBack = await inTransaction(
      (client) => scheduler.enqueueMany(sync.jobClass, [{ id: 1 }, { id: 2 }], { client }),
      "ROLLBACK",
    );
    for (const handle of rolledBack) expect(await scheduler.getJob(handle.jobId)).toBeNull();
    const committed = await inTransaction(
      (client) =>
        scheduler.scheduleMany(
          [1, 2, 3].map((id) => ({
            job: sync.jobClass,
            payload: { id },
            dueTime: Date.parse("2030-01-01T00:00:00Z"),
            options: { client },
          })),
        ),
      "COMMIT",
    );
    for (const handle of committed)
      expect((await scheduler.getJob(handle.jobId))?.status).toBe("queued");
  });
});
