import type pg from "pg";
import { coded } from "../../core/runtime-errors.js";

/** Where a pool connects, for messages. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string | null;
}

/** Reads host, port and database from a pool's options (connection string, fields, PG* env). */
export function connectionTarget(pool: pg.Pool): ConnectionTarget {
  const options = (pool as unknown as { options?: pg.PoolConfig }).options ?? {};
  let fromUrl: { host?: string; port?: number; database?: string } = {};
  if (typeof options.connectionString === "string") {
    try {
      const url = new URL(options.connectionString);
      fromUrl = {
        ...(url.hostname ? { host: url.hostname } : {}),
        ...(url.port ? { port: Number(url.port) } : {}),
        ...(url.pathname.length > 1 ? { database: decodeURIComponent(url.pathname.slice(1)) } : {}),
      };
    } catch {
      // A libpq key=value string: fall back to the fields below.
    }
  }
  return {
    host: fromUrl.host ?? options.host ?? process.env["PGHOST"] ?? "localhost",
    port: fromUrl.port ?? options.port ?? (Number(process.env["PGPORT"]) || 5432),
    database: fromUrl.database ?? options.database ?? process.env["PGDATABASE"] ?? null,
  };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "EAI_AGAIN", "EPIPE"]);

/** Whether an error means "no usable connection" rather than a problem with a statement. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // 08: connection exception, 57P: operator intervention (terminated, shutting down), 53300: too many connections.
    if (code.startsWith("08") || code.startsWith("57P") || code === "53300") return true;
  }
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/**
 * Rewrites a connection failure into a message that names the server and says what to do;
 * other errors pass through unchanged.
 */
export function describeConnectionError(error: unknown, target: ConnectionTarget, doing: string): unknown {
  if (!isConnectionError(error)) return error;
  const cause = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const database = target.database === null ? "" : ` (database "${target.database}")`;
  return coded(
    new Error(
      `postgresStore: cannot ${doing}: PostgreSQL at ${target.host}:${target.port}${database} is not reachable ` +
        `(${typeof code === "string" ? `${code}: ` : ""}${cause}). Check that the server is running and accepts ` +
        `connections there, or pass the right pool / connectionString to postgresStore().`,
      { cause: error },
    ),
    "ELR511",
  );
}
