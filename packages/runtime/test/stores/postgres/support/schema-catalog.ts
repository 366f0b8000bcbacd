import type pg from "pg";

/**
 * What PostgreSQL's catalog says a schema consists of — tables, columns (type, nullability,
 * default), constraints, indexes, functions and recorded versions — with the schema's own name
 * replaced by `<schema>`, so two schemas built different ways can be compared for equality.
 */
export async function describeSchema(
  pool: pg.Pool,
  schema: string,
): Promise<Record<string, unknown>> {
  const anonymise = (text: string): string =>
    text.replaceAll(`"${schema}"`, "<schema>").replaceAll(`${schema}.`, "<schema>.");
  const columns = await pool.query(
    `SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = $1 AND table_name <> 'schema_version'
     ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const constraints = await pool.query(
    `SELECT cl.relname AS table_name, co.conname, pg_get_constraintdef(co.oid) AS definition
     FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = $1 ORDER BY cl.relname, co.conname`,
    [schema],
  );
  const indexes = await pool.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname`,
    [schema],
  );
  const functions = await pool.query(
    `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS arguments
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1, 2`,
    [schema],
  );
  const versions = await pool.query(
    `SELECT version, description FROM "${schema}".schema_version ORDER BY version`,
  );
  return {
    columns: columns.rows,
    constraints: constraints.rows.map((row) => ({ ...row, definition: anonymise(row.definition) })),
    indexes: indexes.rows.map((row) => ({ ...row, indexdef: anonymise(row.indexdef) })),
    functions: functions.rows,
    versions: versions.rows,
  };
}
