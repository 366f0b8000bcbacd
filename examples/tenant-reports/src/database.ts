import pg from "pg";

/** The example's database; override with DATABASE_URL. */
export const databaseUrl = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
/** The admin and the workers share this schema; the launcher recreates it so every run starts empty. */
export const schema = process.env["ELARION_SCHEMA"] ?? "elarion_example_tenants";

/** Thrown when PostgreSQL does not answer; its message is the one line the user sees. */
export class DatabaseUnreachableError extends Error {}

/** Connects once, to fail early with one clear line instead of a driver stack trace. */
export async function probeDatabase(): Promise<void> {
  const url = new URL(databaseUrl);
  const where = `${url.hostname}:${url.port || "5432"}`;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    if (answeredByServer(error)) {
      // The server is up but refused the login: an unknown role or database, or a wrong password.
      throw new DatabaseUnreachableError(
        `PostgreSQL at ${where} refused the connection (${reason}): fix the role or database in DATABASE_URL ` +
          `(now ${url.username || "the default role"} on database ${url.pathname.slice(1) || "the default"}), then re-run the example.`,
      );
    }
    throw new DatabaseUnreachableError(
      `PostgreSQL is not reachable at ${where} (${reason}): start it (e.g. \`pg_ctlcluster <version> main start\`) ` +
        `or point DATABASE_URL at a running server, then re-run the example.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A PostgreSQL error carries a five-character SQLSTATE; a network failure carries ECONNREFUSED and the like. */
function answeredByServer(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("E");
}

/** Drops and recreates nothing but the example's own schema. */
export async function resetSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
