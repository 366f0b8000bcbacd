/**
 * listJobs and countJobs on PostgreSQL are served by indexes, never by a scan of the whole history:
 * on a table of 100,000 finished jobs (and a few pending ones), no plan of any filter combination
 * has a sequential scan of `jobs` or `runs` — neither the plan for the given values (what an
 * unnamed query gets) nor the generic plan (what a prepared statement may switch to after five
 * runs). The snapshot's queries are bounded the same way.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_STATUSES, TERMINAL_STATUSES } from "../../../src/state/vocabulary.js";
import type { JobStatus } from "../../../src/state/job-state.js";
import { migrate } from "../../../src/stores/postgres/migrations.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import {
  renderStatements,
  type StatementName,
} from "../../../src/stores/postgres/sql/statements.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

const FINISHED_JOBS = 100_000;
const LAST_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

let db: TestSchema;
let client: pg.PoolClient;
let statements: ReturnType<typeof renderStatements>;
/** A position in the middle of the history, as a cursor would carry it. */
let midCursor: [number, string];

beforeAll(async () => {
  db = await createTestSchema("ops_plans");
  client = await db.pool.connect();
  await migrate(client, db.schema);
  statements = renderStatements(db.schema);
  const s = db.schema.quoted;
  // 100,000 finished jobs over five job names and four outcomes, one in ten with a correlation id
  // (a hundred jobs per correlation id) and another one in ten with a key (a hundred per key),
  // created a second apart.
  await client.query(`
    INSERT INTO ${s}.jobs (job_id, job_name, current_run_id, attempt, max_attempts, correlation_id, key, created_at, completed_at, outcome)
    SELECT md5('job' || i)::uuid, 'job.' || (i % 5), md5('run' || i)::uuid, 1, 1,
           CASE WHEN i % 10 = 0 THEN 'order-' || (i % 1000) END,
           CASE WHEN i % 10 = 5 THEN 'tenant-' || (i % 1000) END,
           timestamptz '2026-01-01' + i * interval '1 second', timestamptz '2026-01-01' + i * interval '1 second' + interval '1 minute',
           (ARRAY['succeeded', 'failed', 'cancelled', 'skipped'])[1 + i % 4]
    FROM generate_series(1, ${FINISHED_JOBS}) i`);
  await client.query(`
    INSERT INTO ${s}.runs (run_id, job_id, job_name, attempt, due_time, status, started_at, completed_at, message)
    SELECT current_run_id, job_id, job_name, 1, created_at, outcome, created_at, completed_at, NULL FROM ${s}.jobs`);
  // A few pending jobs: queued, held (paused name), running under a lease, waiting for a retry.
  await client.query(`
    INSERT INTO ${s}.jobs (job_id, job_name, current_run_id, attempt, max_attempts, correlation_id, created_at)
    SELECT md5('pending' || i)::uuid, 'job.' || (i % 5), md5('pending-run' || i)::uuid, CASE WHEN i % 4 = 3 THEN 2 ELSE 1 END, 3,
           CASE WHEN i % 10 = 0 THEN 'order-' || i END, timestamptz '2026-03-01' + i * interval '1 second'
    FROM generate_series(1, 40) i`);
  await client.query(`
    INSERT INTO ${s}.runs (run_id, job_id, job_name, attempt, due_time, status, owner, lease_expires_at)
    SELECT current_run_id, job_id, job_name, attempt, created_at,
           (ARRAY['queued', 'held', 'running', 'queued'])[1 + (row_number() OVER (ORDER BY job_id))::int % 4],
           NULL, NULL
    FROM ${s}.jobs WHERE outcome IS NULL`);
  await client.query(
    `UPDATE ${s}.runs SET owner = 'worker', lease_expires_at = now() + interval '30 seconds' WHERE status = 'running'`,
  );
  // What autovacuum leaves behind: statistics and a visibility map.
  await client.query(`VACUUM ANALYZE ${s}.jobs`);
  await client.query(`VACUUM ANALYZE ${s}.runs`);
  const mid = await client.query<{ ms: number; job_id: string }>(
    `SELECT (extract(epoch from created_at) * 1000)::float8 AS ms, job_id::text FROM ${s}.jobs ORDER BY created_at, job_id OFFSET ${FINISHED_JOBS / 2} LIMIT 1`,
  );
  midCursor = [mid.rows[0]!.ms, mid.rows[0]!.job_id];
}, 120_000);

afterAll(async () => {
  client?.release();
  await db?.drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Sequential scans of the queue's tables in a plan, e.g. ["Seq Scan on jobs"]. */
function sequentialScans(plan: PlanNode): string[] {
  return nodes(plan)
    .filter(
      (node) =>
        node["Node Type"] === "Seq Scan" &&
        (node["Relation Name"] === "jobs" || node["Relation Name"] === "runs"),
    )
    .map((node) => `Seq Scan on ${node["Relation Name"]}`);
}

function literal(value: unknown): string {
  if (value === null) return "NULL";
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(", ")}]::text[]`;
  if (typeof value === "number")
    return Number.isFinite(value) ? String(value) : `'${value > 0 ? "Infinity" : "-Infinity"}'`;
  return client.escapeLiteral(String(value));
}

/** The plan PostgreSQL chooses for these values. */
async function customPlan(name: StatementName, values: unknown[]): Promise<PlanNode> {
  const result = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
    `EXPLAIN (FORMAT JSON) ${statements[name].text}`,
    values,
  );
  return result.rows[0]!["QUERY PLAN"][0]!.Plan;
}

/** The generic plan a prepared statement may settle on (the same for every value). */
async function genericPlan(name: StatementName, values: unknown[]): Promise<PlanNode> {
  const prepared = `plan_${name.replaceAll("-", "_")}`;
  await client.query(`PREPARE ${prepared} AS ${statements[name].text}`);
  try {
    await client.query("SET plan_cache_mode = force_generic_plan");
    const args = values.length === 0 ? "" : `(${values.map(literal).join(", ")})`;
    const result = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) EXECUTE ${prepared}${args}`,
    );
    return result.rows[0]!["QUERY PLAN"][0]!.Plan;
  } finally {
    await client.query("RESET plan_cache_mode");
    await client.query(`DEALLOCATE ${prepared}`);
  }
}

const STATUS_SETS: readonly (readonly JobStatus[])[] = [
  ...JOB_STATUSES.map((status) => [status]),
  TERMINAL_STATUSES,
  ["queued", "running", "waiting-retry"],
  ["failed", "cancelled", "waiting-retry"],
  JOB_STATUSES,
];

/** Every filter combination listJobs supports, as the store's statement and its parameters. */
function listings(): { label: string; name: StatementName; values: unknown[] }[] {
  const cases: { label: string; name: StatementName; values: unknown[] }[] = [];
  for (const statuses of STATUS_SETS) {
    for (const [cursorLabel, cursor] of [
      ["first page", [Number.POSITIVE_INFINITY, LAST_UUID]],
      ["mid-history cursor", midCursor],
    ] as const) {
      const position = [statuses, ...cursor, 101];
      const label = `status [${statuses.join(", ")}], ${cursorLabel}`;
      cases.push({ label: `${label}`, name: "list-jobs", values: position });
      cases.push({
        label: `${label}, jobName`,
        name: "list-jobs-of-name",
        values: [...position, "job.3"],
      });
      cases.push({
        label: `${label}, correlationId`,
        name: "list-jobs-of-correlation",
        values: [...position, "order-420", null],
      });
      cases.push({
        label: `${label}, correlationId and jobName`,
        name: "list-jobs-of-correlation",
        values: [...position, "order-420", "job.0"],
      });
      cases.push({
        label: `${label}, key`,
        name: "list-jobs-of-key",
        values: [...position, "tenant-425", null],
      });
      cases.push({
        label: `${label}, key and jobName`,
        name: "list-jobs-of-key",
        values: [...position, "tenant-425", "job.0"],
      });
    }
  }
  return cases;
}

describe("listJobs and countJobs on 100,000 finished jobs", () => {
  it("the data is there: the newest failed jobs of a name come first, counts add up", async () => {
    const store = postgresStore({ pool: db.pool, schema: db.schema.name });
    const page = await store.listJobs({
      statuses: ["failed"],
      jobName: "job.1",
      correlationId: null,
      key: null,
      after: null,
      limit: 3,
    });
    expect(page.map((job) => [job.jobName, job.status])).toEqual([
      ["job.1", "failed"],
      ["job.1", "failed"],
      ["job.1", "failed"],
    ]);
    expect(page[0]!.createdAt.getTime()).toBeGreaterThan(page[1]!.createdAt.getTime());
    const counts = await store.countJobs(null);
    expect(counts.succeeded + counts.failed + counts.cancelled + counts.skipped).toBe(
      FINISHED_JOBS,
    );
    expect(counts.queued + counts.running + counts["waiting-retry"]).toBe(40);
  });

  it("no listJobs filter combination has a sequential scan of jobs or runs, custom or generic plan", async () => {
    const found: string[] = [];
    for (const { label, name, values } of listings()) {
      for (const [kind, plan] of [
        ["custom", await customPlan(name, values)],
        ["generic", await genericPlan(name, values)],
      ] as const) {
        for (const scan of sequentialScans(plan))
          found.push(`${label} (${name}, ${kind} plan): ${scan}`);
      }
    }
    expect(listings().length).toBe(STATUS_SETS.length * 2 * 6);
    expect(found).toEqual([]);
  });

  it("countJobs reads index entries only, for every job and for one job name", async () => {
    for (const [name, values] of [
      ["count-jobs", []],
      ["count-jobs-of-name", ["job.2"]],
    ] as const) {
      for (const plan of [
        await customPlan(name, [...values]),
        await genericPlan(name, [...values]),
      ]) {
        expect(sequentialScans(plan)).toEqual([]);
        const finishedScans = nodes(plan).filter((node) =>
          node["Index Name"]?.startsWith("jobs_finished"),
        );
        expect(finishedScans.map((node) => node["Node Type"])).toEqual(
          expect.arrayContaining(["Index Only Scan"]),
        );
      }
    }
  });

  it("the snapshot's queries are bounded: the lists stop at their limit, the latest outcomes skip through the names", async () => {
    for (const name of ["list-queued-runs", "list-active-runs"] as const) {
      const plan = await customPlan(name, [10_000]);
      expect(plan["Node Type"]).toBe("Limit");
      expect(sequentialScans(plan)).toEqual([]);
    }
    for (const name of [
      "list-recent-outcomes",
      "next-due-times-by-job",
      "list-paused-jobs",
    ] as const) {
      expect(sequentialScans(await customPlan(name, []))).toEqual([]);
    }
    const recent = await customPlan("list-recent-outcomes", []);
    expect(
      nodes(recent).filter((node) => node["Index Name"] === "runs_outcomes").length,
    ).toBeGreaterThan(0);
  });

  it("a sequential scan is what the check would report (the check can fail)", async () => {
    const plan = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) SELECT count(*) FROM ${db.schema.quoted}.jobs WHERE payload IS NULL`,
    );
    expect(sequentialScans(plan.rows[0]!["QUERY PLAN"][0]!.Plan)).toEqual(["Seq Scan on jobs"]);
  });
});
