import pg from "pg";
import { DATABASE_URL } from "./machine.js";

/** A pool on the benchmark database (`ELARION_BENCH_DATABASE_URL`, default 127.0.0.1:5432/test). */
export function benchPool(max = 10): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max });
}

/** Drops a schema and everything in it, so each run starts from an empty queue. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`dropSchema: "${schema}" is not a plain lower-case identifier.`);
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
