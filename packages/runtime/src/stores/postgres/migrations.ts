import { coded } from "../../core/runtime-errors.js";
import type { Queryable } from "./queryable.js";
import type { SchemaName } from "./schema-name.js";
import { renderSql } from "./sql/render-sql.js";
import { MIGRATION_FILES } from "./sql/sql-files.generated.js";

/**
 * One versioned step of the store's schema: sql/migrations/NNNNNN.sql. Versions only ever grow;
 * a step is never edited once released (a database that applied it would never see the edit).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** The file's SQL, with its `:"schema"` and vocabulary variables (see sql/render-sql.ts). */
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = MIGRATION_FILES;

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema up to {@link LATEST_SCHEMA_VERSION}. Runs in one transaction under a
 * transaction-scoped advisory lock, so any number of processes may start at once on an empty
 * database: the first applies the steps, the others wait and then find nothing to do.
 *
 * Returns the versions this call applied.
 */
export async function migrate(client: Queryable, schema: SchemaName): Promise<number[]> {
  const applied: number[] = [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [schema.migrationLockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema.quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema.quoted}.schema_version (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const current = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema.quoted}.schema_version`,
    );
    const currentVersion = current.rows[0]?.version ?? 0;
    if (currentVersion > LATEST_SCHEMA_VERSION) {
      throw coded(
        new Error(
          `postgresStore: schema ${schema.quoted} is at version ${currentVersion}, newer than this @elarion/runtime ` +
            `(knows up to ${LATEST_SCHEMA_VERSION}); upgrade @elarion/runtime in this process or use another schema.`,
        ),
        "ELR511",
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= currentVersion) continue;
      await client.query(renderSql(migration.sql, schema));
      await client.query(
        `INSERT INTO ${schema.quoted}.schema_version (version, description) VALUES ($1, $2)`,
        [migration.version, migration.description],
      );
      applied.push(migration.version);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  return applied;
}
