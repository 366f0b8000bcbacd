/**
 * The scheduler's scenario files, re-run with every harness on a fresh postgresStore (its own
 * schema), so the PostgreSQL store shows the same behaviours as the memory store.
 */
import { afterAll, beforeAll } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { runScenariosOn } from "../../support/scenario-store.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
const schemas: string[] = [];

beforeAll(async () => {
  db = await createTestSchema("scenarios");
});
afterAll(async () => {
  for (const schema of schemas) await db.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db?.drop();
});

runScenariosOn(() => {
  const schema = `${db.schema.name}_${schemas.length}`;
  schemas.push(schema);
  return postgresStore({ pool: db.pool, schema });
});

await import("../../scheduler/runtime-jobs.test.js");
await import("../../scheduler/cancel.test.js");
await import("../../scheduler/retries.test.js");
await import("../../scheduler/recurring.test.js");
await import("../../scheduler/configuration-placeholders.test.js");
await import("../../scheduler/stop.test.js");
await import("../../scheduler/bad-input.test.js");
await import("../../scheduler/payload-dates.test.js");
await import("../../scheduler/keys.test.js");
await import("../../scheduler/bulk.test.js");
await import("../../scheduler/run-time-schedules.test.js");
await import("../../state/snapshot-and-retention.test.js");
await import("../../telemetry/traces.test.js");
await import("../../telemetry/metrics.test.js");
await import("../../scheduler/list-jobs.test.js");
await import("../../scheduler/count-jobs.test.js");
await import("../../scheduler/retry-job.test.js");
await import("../../scheduler/pause-job.test.js");
await import("../../scheduler/trigger-job.test.js");
await import("../../scheduler/thrown-values.test.js");
await import("../../scheduler/id-case.test.js");
await import("../../scheduler/storable-input.test.js");
await import("../../scheduler/abandoned-bodies.test.js");
await import("../../scheduler/wall-clock-steps.test.js");
