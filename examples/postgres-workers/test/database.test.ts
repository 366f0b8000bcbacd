import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.resetModules();
  delete process.env["DATABASE_URL"];
});

async function probeFailure(databaseUrl: string): Promise<Error> {
  process.env["DATABASE_URL"] = databaseUrl;
  const { probeDatabase, DatabaseUnreachableError } = await import("../src/database.js");
  const failure = await probeDatabase().then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(DatabaseUnreachableError);
  return failure as Error;
}

describe("the postgres-workers example without a usable PostgreSQL", () => {
  it("fails with one line naming host and port and saying what to do when nothing listens", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const message = (await probeFailure("postgres://postgres@127.0.0.1:1/test")).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain("PostgreSQL is not reachable at 127.0.0.1:1");
    expect(message).toContain("DATABASE_URL");
  });

  it("says the server refused the role, not that it is unreachable, for an unknown role", async () => {
    const message = (await probeFailure("postgres://elarion_no_such_role@127.0.0.1:5432/test"))
      .message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toBe(
      'PostgreSQL at 127.0.0.1:5432 refused the connection (role "elarion_no_such_role" does not exist): fix the role or database ' +
        "in DATABASE_URL (now elarion_no_such_role on database test), then re-run the example.",
    );
  });
});
