import { afterAll, beforeAll, it, expect, afterEach } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { runScenariosOn } from "../../support/scenario-store.js";
import { startHarness, stopAllHarnesses } from "../../support/harness.js";
import { testJob } from "../../support/test-registry.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";
let db: TestSchema;
beforeAll(async () => { db = await createTestSchema("dbg"); });
afterEach(stopAllHarnesses);
afterAll(async () => { await db.pool.query(`DROP SCHEMA IF EXISTS "${db.schema.name}_x" CASCADE`); await db?.drop(); });
runScenariosOn(() => postgresStore({ pool: db.pool, schema: `${db.schema.name}_x` }));
it("dbg", async () => {
  const { probe, clock, logger, outcomes } = await startHarness([testJob("hourly", { schedule: { kind: "fixed-rate", intervalMs: 3_600_000, initialDelayMs: null, runOnStart: false }, supportsRuntimeScheduling: false, misfire: "fire-once" })]);
  await clock.jump(5.5 * 3_600_000);
  console.log(JSON.stringify(logger.entries), JSON.stringify(outcomes), probe.calls.length, clock.now());
  expect(1).toBe(1);
});
