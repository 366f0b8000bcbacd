import type { QueryConfig, QueryResult, QueryResultRow } from "pg";

/**
 * What the store needs from a connection: a `pg.Pool`, a `pg.PoolClient` or a `pg.Client`. A
 * caller's client inside `BEGIN` is one too, which is how enqueue joins the caller's transaction.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
  query<R extends QueryResultRow = QueryResultRow>(
    config: QueryConfig<unknown[]>,
  ): Promise<QueryResult<R>>;
}

/** Whether a value looks like a pg client or pool (used to validate `{ client }` options). */
export function isQueryable(value: unknown): value is Queryable {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { query?: unknown }).query === "function"
  );
}
