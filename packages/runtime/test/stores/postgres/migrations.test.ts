import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATEST_SCHEMA_VERSION, migrate } from "../../../src/stores/postgres/migrations.js";
import { schemaName } from "../../../src/stores/postgres/schema-name.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
beforeAll(async () => {
  db = await createTestSchema("migrations");
});
afterAll(async () => {
  await db?.drop();
});

async function migrateOnce(pool = db.pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    return await migrate(client, db.schema);
  } finally {
    client.release();
  }
}

describe("schema migrations", () => {
  it("ten processes starting at once on an empty database apply each step exactly once", async () => {
    const pools = Array.from({ length: 10 }, () => db.openPool(1));
    const applied = await Promise.all(pools.map((pool) => migrateOnce(pool)));

    expect(applied.flat()).toEqual([...Array(LATEST_SCHEMA_VERSION).keys()].map((i) => i + 1));
    const versions = await db.pool.query(`SELECT version FROM ${db.schema.quoted}.schema_version ORDER BY version`);
    expect(versions.rows.map((r) => r.version)).toEqual([...Array(LATEST_SCHEMA_VERSION).keys()].map((i) => i + 1));
  });

  it("is idempotent: a later start finds nothing to do and keeps the data", async () => {
    await db.pool.query(
      `INSERT INTO ${db.schema.quoted}.occurrences (job_name, due_time, claimed_by) VALUES ('kept', now(), 'test')`,
    );
    expect(await migrateOnce()).toEqual([]);
    const kept = await db.pool.query(`SELECT count(*)::int AS n FROM ${db.schema.quoted}.occurrences`);
    expect(kept.rows[0].n).toBe(1);
  });

  it("refuses a schema written by a newer version, saying what to do", async () => {
    await db.pool.query(`INSERT INTO ${db.schema.quoted}.schema_version (version, description) VALUES ($1, 'future')`, [
      LATEST_SCHEMA_VERSION + 1,
    ]);
    await expect(migrateOnce()).rejects.toThrow(/newer than this @elarion\/runtime.*upgrade/);
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.schema_version WHERE version > $1`, [LATEST_SCHEMA_VERSION]);
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
