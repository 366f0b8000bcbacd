import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { TEST_DATABASE_URL } from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

const descriptors = [runtimeJobDescriptor("emails.send")];

/** The test server with another role or database in its URL. */
function testServerUrl(change: { role?: string; database?: string }): string {
  const url = new URL(TEST_DATABASE_URL);
  if (change.role !== undefined) url.username = change.role;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}

async function startFailure(options: Parameters<typeof postgresStore>[0]): Promise<Error> {
  const store = postgresStore(options);
  try {
    const failure = await Promise.resolve()
      .then(() => store.open(new RecordingHost(descriptors)))
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    return failure as Error;
  } finally {
    await store.end();
  }
}

describe("postgresStore start-up errors a new user meets", () => {
  const server = new URL(TEST_DATABASE_URL);
  const where = `${server.hostname}:${server.port || "5432"}`;

  it("an unknown role: one line naming host, database and role, and what to do", async () => {
    const failure = await startFailure({
      connectionString: testServerUrl({ role: "elarion_no_such_role" }),
    });
    expect(failure.message.split("\n")).toHaveLength(1);
    expect((failure as Error & { code?: string }).code).toBe("ELR502");
    expect(failure.message).toBe(
      `postgresStore: cannot start: PostgreSQL at ${where} (database "${server.pathname.slice(1)}") refused role "elarion_no_such_role": ` +
        `role "elarion_no_such_role" does not exist (28000). Connect as an existing role (the user in the connectionString or pool ` +
        `given to postgresStore()), or create it: CREATE ROLE elarion_no_such_role LOGIN;`,
    );
  });

  it("an unknown database: one line naming host, database and role, and what to do", async () => {
    const failure = await startFailure({
      connectionString: testServerUrl({ database: "elarion_no_such_db" }),
    });
    expect(failure.message.split("\n")).toHaveLength(1);
    expect((failure as Error & { code?: string }).code).toBe("ELR502");
    expect(failure.message).toBe(
      `postgresStore: cannot start: PostgreSQL at ${where} has no database "elarion_no_such_db" (role "${server.username}"): ` +
        `database "elarion_no_such_db" does not exist (3D000). Point the connectionString or pool given to postgresStore() at an ` +
        `existing database, or create it: CREATE DATABASE elarion_no_such_db;`,
    );
  });

  it("reads the role from a user's pool configured with fields rather than a URL", async () => {
    const pool = new pg.Pool({
      host: server.hostname,
      port: Number(server.port || 5432),
      database: server.pathname.slice(1),
      user: "elarion_no_such_role",
    });
    pool.on("error", () => undefined);
    try {
      const failure = await startFailure({ pool });
      expect(failure.message).toContain(`refused role "elarion_no_such_role"`);
      expect(failure.message).toContain(`(database "${server.pathname.slice(1)}")`);
    } finally {
      await pool.end();
    }
  });
});
