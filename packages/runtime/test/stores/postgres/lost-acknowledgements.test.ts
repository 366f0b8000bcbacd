/**
 * A lost acknowledgement (docs/postgres.md, "Lost acknowledgements"): the insert commits, then the
 * connection dies before the answer arrives, and `enqueue` rejects although the job exists. A
 * retry with a key finds the job instead of making a second one; a retry without one duplicates it.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobScheduler } from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from "./support/test-database.js";
import { runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;

beforeAll(async () => {
  db = await createTestSchema("lostack");
});
afterAll(async () => {
  await db?.drop();
});

/** A pool whose next job insert commits and then answers "Connection terminated unexpectedly". */
class AckLosingPool extends pg.Pool {
  loseNextInsert = false;
  override query(...args: unknown[]): never {
    const config = args[0] as { name?: string } | string;
    const result = (super.query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    if (
      this.loseNextInsert &&
      typeof config === "object" &&
      config.name?.endsWith("insert-jobs") === true
    ) {
      this.loseNextInsert = false;
      return result.then(() => {
        throw new Error("Connection terminated unexpectedly");
      }) as never;
    }
    return result as never;
  }
}

async function jobsOfPayload(tag: string): Promise<number> {
  const result = await db.pool.query(
    `SELECT count(*)::int AS n FROM ${db.schema.quoted}.jobs WHERE payload->>'tag' = $1`,
    [tag],
  );
  return result.rows[0].n as number;
}

describe("an enqueue whose acknowledgement was lost", () => {
  let pool: AckLosingPool;
  let producer: JobScheduler;

  beforeAll(async () => {
    pool = new AckLosingPool({ connectionString: TEST_DATABASE_URL, max: 2 });
    producer = createScheduler({
      registry: defineJobDescriptors([runtimeJobDescriptor("orders.receipt")], []),
      store: postgresStore({ pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
      logger: { warn: () => undefined, error: () => undefined },
    });
    await producer.start();
  });
  afterAll(async () => {
    await producer?.stop();
    await pool?.end();
  });

  it("retried with its key, it makes one job: the retry finds the committed one", async () => {
    const due = new Date(Date.now() + 3_600_000);
    pool.loseNextInsert = true;
    await expect(
      producer.schedule("orders.receipt", { tag: "keyed" }, due, { key: "order-42" }),
    ).rejects.toThrow(/Connection terminated unexpectedly/);
    expect(await jobsOfPayload("keyed")).toBe(1); // it did commit

    const retried = await producer.schedule("orders.receipt", { tag: "keyed" }, due, {
      key: "order-42",
    });
    expect(retried.deduplicated).toBe(true);
    expect(await jobsOfPayload("keyed")).toBe(1);
    expect((await producer.getJob(retried.jobId))?.key).toBe("order-42");
  });

  it("retried without a key, it makes a second job (why docs/postgres.md points at keys)", async () => {
    const due = new Date(Date.now() + 3_600_000);
    pool.loseNextInsert = true;
    await expect(producer.schedule("orders.receipt", { tag: "unkeyed" }, due)).rejects.toThrow(
      /Connection terminated unexpectedly/,
    );
    await producer.schedule("orders.receipt", { tag: "unkeyed" }, due);
    expect(await jobsOfPayload("unkeyed")).toBe(2);
  });
});
