import pg from "pg";
import { migrate } from "../../../../src/stores/postgres/migrations.js";
import { schemaName, type SchemaName } from "../../../../src/stores/postgres/schema-name.js";

/** The PostgreSQL every postgres test uses (CI starts it; see DEVELOPERS.md). */
export const TEST_DATABASE_URL =
  process.env["ELARION_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema of its own for one test file, dropped by `drop()`. */
export interface TestSchema {
  readonly pool: pg.Pool;
  readonly schema: SchemaName;
  /** Opens another pool, as a second process would have. */
  openPool(max?: number): pg.Pool;
  drop(): Promise<void>;
}

/**
 * Creates a unique schema name for a test file (`elarion_test_<file>_<pid>`) and a small pool.
 * The schema itself is created by the code under test (migrations).
 */
export async function createTestSchema(fileTag: string): Promise<TestSchema> {
  const schema = schemaName(`elarion_test_${fileTag}_${process.pid}`);
  const pools: pg.Pool[] = [];
  const openPool = (max = 4): pg.Pool => {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max });
    pool.on("error", () => undefined);
    pools.push(pool);
    return pool;
  };
  const pool = openPool();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema.quoted} CASCADE`);
  return {
    pool,
    schema,
    openPool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema.quoted} CASCADE`);
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

/** {@link createTestSchema}, migrated: for tests that drive repositories and statements directly. */
export async function createMigratedTestSchema(fileTag: string): Promise<TestSchema> {
  const db = await createTestSchema(fileTag);
  const client = await db.pool.connect();
  await migrate(client, db.schema).finally(() => client.release());
  return db;
}

/**
 * Re-reads database state until `read` returns a value accepted by `done`, or fails after
 * `timeoutMs`. A latch on observable state, not a sleep: it returns as soon as the state is there.
 */
export async function waitForState<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
