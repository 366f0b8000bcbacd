import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATEST_SCHEMA_VERSION, migrate } from "../../../src/stores/postgres/migrations.js";
import { schemaName, type SchemaName } from "../../../src/stores/postgres/schema-name.js";
import { psqlVariableCommands } from "../../../src/stores/postgres/sql/render-sql.js";
import { LEGACY_LATEST_VERSION, legacyMigrate } from "./support/legacy-migrations.js";
import { runPsql } from "./support/psql.js";
import { describeSchema } from "./support/schema-catalog.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
const extraSchemas: SchemaName[] = [];
beforeAll(async () => {
  db = await createTestSchema("migrations");
});
afterAll(async () => {
  for (const schema of extraSchemas)
    await db.pool.query(`DROP SCHEMA IF EXISTS ${schema.quoted} CASCADE`);
  await db?.drop();
});

async function migrateOnce(pool = db.pool, schema = db.schema): Promise<number[]> {
  const client = await pool.connect();
  try {
    return await migrate(client, schema);
  } finally {
    client.release();
  }
}

/** Another empty schema of this test file (dropped after it). */
async function extraSchema(tag: string): Promise<SchemaName> {
  const schema = schemaName(`${db.schema.name}_${tag}`);
  await db.pool.query(`DROP SCHEMA IF EXISTS ${schema.quoted} CASCADE`);
  extraSchemas.push(schema);
  return schema;
}

const MIGRATIONS_DIR = fileURLToPath(
  new URL("../../../src/stores/postgres/sql/migrations/", import.meta.url),
);

describe("schema migrations", () => {
  it("ten processes starting at once on an empty database apply each step exactly once", async () => {
    const pools = Array.from({ length: 10 }, () => db.openPool(1));
    const applied = await Promise.all(pools.map((pool) => migrateOnce(pool)));

    expect(applied.flat()).toEqual([...Array(LATEST_SCHEMA_VERSION).keys()].map((i) => i + 1));
    const versions = await db.pool.query(
      `SELECT version FROM ${db.schema.quoted}.schema_version ORDER BY version`,
    );
    expect(versions.rows.map((r) => r.version)).toEqual(
      [...Array(LATEST_SCHEMA_VERSION).keys()].map((i) => i + 1),
    );
  });

  it("is idempotent: a later start finds nothing to do and keeps the data", async () => {
    await db.pool.query(
      `INSERT INTO ${db.schema.quoted}.occurrences (job_name, due_time, claimed_by) VALUES ('kept', now(), 'test')`,
    );
    expect(await migrateOnce()).toEqual([]);
    const kept = await db.pool.query(
      `SELECT count(*)::int AS n FROM ${db.schema.quoted}.occurrences`,
    );
    expect(kept.rows[0].n).toBe(1);
  });

  it("refuses a schema written by a newer version, saying what to do", async () => {
    await db.pool.query(
      `INSERT INTO ${db.schema.quoted}.schema_version (version, description) VALUES ($1, 'future')`,
      [LATEST_SCHEMA_VERSION + 1],
    );
    await expect(migrateOnce()).rejects.toMatchObject({
      code: "ELR511",
      message: expect.stringMatching(/newer than this @elarion\/runtime.*upgrade/),
    });
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.schema_version WHERE version > $1`, [
      LATEST_SCHEMA_VERSION,
    ]);
  });
});

describe("migrations as numbered .sql files", () => {
  it("build exactly the schema (tables, columns, constraints, indexes, versions) the earlier TypeScript migrations built, then the later steps", async () => {
    const legacy = await extraSchema("legacy");
    await legacyMigrate(db.pool, legacy, LEGACY_LATEST_VERSION);
    // The steps after the last TypeScript one exist only as .sql files: apply them to both.
    expect(await migrateOnce(db.pool, legacy)).toEqual(
      [...Array(LATEST_SCHEMA_VERSION - LEGACY_LATEST_VERSION).keys()].map(
        (i) => LEGACY_LATEST_VERSION + 1 + i,
      ),
    );
    const current = await extraSchema("current");
    expect(await migrateOnce(db.pool, current)).toEqual(
      [...Array(LATEST_SCHEMA_VERSION).keys()].map((i) => i + 1),
    );

    const built = await describeSchema(db.pool, current.name);
    expect(built).toEqual(await describeSchema(db.pool, legacy.name));
    expect(built["indexes"]).toContainEqual(
      expect.objectContaining({
        indexname: "runs_queued_due",
        indexdef: expect.stringContaining("WHERE (status = 'queued'::text)"),
      }),
    );
  });

  it.each([1, 2, 3])(
    "continue a database an earlier release migrated to version %i",
    async (legacyVersion) => {
      const expected = await describeSchema(db.pool, db.schema.name);
      const upgraded = await extraSchema(`from_v${legacyVersion}`);
      await legacyMigrate(db.pool, upgraded, legacyVersion);

      const applied = await migrateOnce(db.pool, upgraded);

      expect(applied).toEqual(
        [...Array(LATEST_SCHEMA_VERSION - legacyVersion).keys()].map((i) => legacyVersion + 1 + i),
      );
      expect(await describeSchema(db.pool, upgraded.name)).toEqual(expected);
    },
  );

  it("paste into psql with the documented variables and build the same tables", async () => {
    const pasted = await extraSchema("psql");
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith(".sql"))
      .sort();
    const script = [
      psqlVariableCommands(pasted.name),
      `CREATE SCHEMA ${pasted.quoted};`,
      // The same bookkeeping table migrate() keeps, so the two schemas compare whole.
      `CREATE TABLE ${pasted.quoted}.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());`,
      ...files.map((file) => `\\i ${file}`),
      `INSERT INTO ${pasted.quoted}.schema_version (version, description) SELECT version, description FROM ${db.schema.quoted}.schema_version;`,
    ].join("\n");

    const result = await runPsql(script, MIGRATIONS_DIR);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await describeSchema(db.pool, pasted.name)).toEqual(
      await describeSchema(db.pool, db.schema.name),
    );
  });
});

describe("schema names", () => {
  it("accepts plain lower-case identifiers and quotes them", () => {
    expect(schemaName("jobs_prod").quoted).toBe('"jobs_prod"');
    expect(schemaName("jobs_prod").channel).toBe("jobs_prod_wake");
  });

  it.each(['elarion"; DROP TABLE x; --', "Upper", "1starts_with_digit", "", "a".repeat(49), 42])(
    "rejects %j with a message saying what a valid name looks like",
    (bad) => {
      expect(() => schemaName(bad)).toThrow(/invalid schema name.*lower-case letters/);
    },
  );
});
