import type pg from "pg";
import { coded } from "../../core/runtime-errors.js";

/** Where a pool connects, and as whom, for messages. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string | null;
  /** The role (user) the pool logs in as: pg's own default is `PGUSER`, then the OS user. */
  readonly role: string | null;
}

/** Reads host, port and database from a pool's options (connection string, fields, PG* env). */
export function connectionTarget(pool: pg.Pool): ConnectionTarget {
  const options = (pool as unknown as { options?: pg.PoolConfig }).options ?? {};
  let fromUrl: { host?: string; port?: number; database?: string; role?: string } = {};
  if (typeof options.connectionString === "string") {
    try {
      const url = new URL(options.connectionString);
      fromUrl = {
        ...(url.hostname ? { host: url.hostname } : {}),
        ...(url.port ? { port: Number(url.port) } : {}),
        ...(url.pathname.length > 1 ? { database: decodeURIComponent(url.pathname.slice(1)) } : {}),
        ...(url.username ? { role: decodeURIComponent(url.username) } : {}),
      };
    } catch {
      // A libpq key=value string: fall back to the fields below.
    }
  }
  return {
    host: fromUrl.host ?? options.host ?? process.env["PGHOST"] ?? "localhost",
    port: fromUrl.port ?? options.port ?? (Number(process.env["PGPORT"]) || 5432),
    database: fromUrl.database ?? options.database ?? process.env["PGDATABASE"] ?? null,
    role: fromUrl.role ?? options.user ?? process.env["PGUSER"] ?? process.env["USER"] ?? null,
  };
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "EPIPE",
]);

/** Whether an error means "no usable connection" rather than a problem with a statement. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // 08: connection exception, 57P: operator intervention (terminated, shutting down), 53300: too many connections.
    if (code.startsWith("08") || code.startsWith("57P") || code === "53300") return true;
  }
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message,
  );
}

/**
 * Rewrites a connection failure (server unreachable, unknown role or database, failed password)
 * into one line that names the server, database and role and says what to do; other errors pass
 * through unchanged.
 */
export function describeConnectionError(
  error: unknown,
  target: ConnectionTarget,
  doing: string,
): unknown {
  const refused = describeRefusedLogin(error, target, doing);
  if (refused !== null) return refused;
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
    "ELR502",
  );
}

/**
 * The server answered but refused the login: SQLSTATE 3D000 (no such database), 28000 (no such
 * role, or no pg_hba.conf entry for it) and 28P01 (wrong password). The driver's own error is a
 * bare "role ... does not exist" with a stack trace through its internals.
 */
function describeRefusedLogin(
  error: unknown,
  target: ConnectionTarget,
  doing: string,
): Error | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "3D000" && code !== "28000" && code !== "28P01") return null;
  const cause = `${firstLine(error instanceof Error ? error.message : String(error))} (${code})`;
  const server = `postgresStore: cannot ${doing}: PostgreSQL at ${target.host}:${target.port}`;
  const role = target.role === null ? "the default role" : `role "${target.role}"`;
  const given = "the connectionString or pool given to postgresStore()";
  if (code === "3D000") {
    const database = target.database ?? "?";
    return coded(
      new Error(
        `${server} has no database "${database}" (${role}): ${cause}. Point ${given} at an existing database, ` +
          `or create it: CREATE DATABASE ${database};`,
        { cause: error },
      ),
      "ELR502",
    );
  }
  const database = target.database === null ? "" : ` (database "${target.database}")`;
  const unknownRole = code === "28000" && /does not exist/.test(cause);
  const what =
    code === "28P01"
      ? `Check the password of that role in ${given}.`
      : unknownRole
        ? `Connect as an existing role (the user in ${given}), or create it: CREATE ROLE ${target.role ?? "<name>"} LOGIN;`
        : `Allow this role, database and client address in the server's pg_hba.conf, or connect as a role it allows.`;
  return coded(
    new Error(`${server}${database} refused ${role}: ${cause}. ${what}`, { cause: error }),
    "ELR502",
  );
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
