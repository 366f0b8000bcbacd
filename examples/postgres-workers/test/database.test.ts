import { describe, expect, it } from "vitest";

describe("the postgres-workers example without a reachable PostgreSQL", () => {
  it("fails with one line naming host and port and saying what to do", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    process.env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/postgres";
    const { probeDatabase, DatabaseUnreachableError } = await import("../src/database.js");

    const failure = await probeDatabase().then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    const message = (failure as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toContain("PostgreSQL is not reachable at 127.0.0.1:1");
    expect(message).toContain("DATABASE_URL");
  });
});
