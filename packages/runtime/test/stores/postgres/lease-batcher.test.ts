import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseBatcher, type LeaseBatcherHooks } from "../../../src/stores/postgres/lease-batcher.js";
import { migrate } from "../../../src/stores/postgres/migrations.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let queue: QueueRepository;
const T0 = Date.UTC(2030, 0, 1);

beforeAll(async () => {
  db = await createTestSchema("lease_batcher");
  const client = await db.pool.connect();
  await migrate(client, db.schema).finally(() => client.release());
  queue = new QueueRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});

function newJob(): NewJobRow {
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "reports.build",
    payload: null,
    dueTimeMs: T0,
    maxAttempts: 1,
    correlationId: null,
    resilience: null,
    resilienceMode: "inline",
    createdAtMs: T0 - 1_000,
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("lease batcher", () => {
  it("a slow retention pass holds back the completion's caller but not the next claim", async () => {
    const first = newJob();
    const second = newJob();
    await queue.insertJobs(db.pool, [first, second]);
    let openRetention: () => void = () => undefined;
    const retention = new Promise<void>((resolve) => {
      openRetention = resolve;
    });
    const retentionAsked: number[] = [];
    const hooks: LeaseBatcherHooks = {
      now: () => T0,
      screen: () => "run",
      nextDue: () => undefined,
      completed: (count) => {
        retentionAsked.push(count);
        return retention;
      },
      released: () => undefined,
      cancelsInFlight: () => null,
      failed: (error) => {
        throw error;
      },
      logger: silent,
    };
    const batcher = new LeaseBatcher(queue, db.pool, "w1", 30_000, hooks);

    const [leased] = await batcher.claim(T0, 1);
    expect(leased).toBeDefined();
    let completionAnswered = false;
    const completion = batcher
      .complete({ runId: leased!.runId, status: "succeeded", message: null, startedAtMs: T0, completedAtMs: T0 + 1 })
      .then((accepted) => {
        completionAnswered = true;
        return accepted;
      });
    // The claim round trip carries the completion (same tick) and asks for retention.
    const next = await batcher.claim(T0, 1);

    expect(next.map((row) => row.runId)).toEqual([leased!.runId === first.runId ? second.runId : first.runId]);
    expect(retentionAsked).toEqual([1]);
    expect(completionAnswered).toBe(false);
    const done = await db.pool.query(`SELECT status FROM ${db.schema.quoted}.runs WHERE run_id = $1`, [leased!.runId]);
    expect(done.rows[0]?.status).toBe("succeeded");

    openRetention();
    expect(await completion).toBe(true);
    await batcher.close();
  });
});
