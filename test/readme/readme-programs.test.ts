import { createRequire } from "node:module";
import { resolve } from "node:path";
import type pgModule from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { parseReadmeBlocks, readReadme, repositoryRoot } from "./readme-blocks.js";
import { roleOf, runReadmePrograms } from "./run-readme-blocks.js";

const roles = parseReadmeBlocks(readReadme())
  .filter((block) => block.language === "ts")
  .map(roleOf);
const examples = [
  ...new Set(roles.flatMap((role) => (role.kind === "program" ? [role.example] : []))),
];

afterAll(async () => {
  // run-schema blocks (the PostgreSQL store) ran in a schema of their own: drop it.
  const schemas = roles.flatMap((role) =>
    role.kind === "program" && role.block.check?.["run-schema"]
      ? [`${role.block.check["run-schema"]}_readme_${process.pid}`]
      : [],
  );
  if (schemas.length === 0) return;
  // The repository root does not depend on pg; the postgres example does.
  const pg = createRequire(resolve(repositoryRoot, "examples/postgres-workers/package.json"))(
    "pg",
  ) as typeof pgModule;
  const client = new pg.Client({
    connectionString:
      process.env["ELARION_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
  });
  await client.connect();
  for (const schema of schemas)
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

describe("README.md's programs run", () => {
  it("every ts block says whether it is a program, a module of an example, or why it is neither", () => {
    expect(roles.filter((role) => role.kind === "program").length).toBeGreaterThanOrEqual(5);
    const unexplained = roles
      .filter((role) => role.kind === "not-a-program" && role.reason.trim().length < 10)
      .map((role) => role.block.line);
    expect(unexplained).toEqual([]);
  });

  it.each(examples)(
    "in %s: built with the README's own modules, each program exits 0 with the output it promises",
    (example) => {
      const { buildOutput, runs } = runReadmePrograms(example, roles);
      expect(buildOutput).toBeNull();
      expect(runs.length).toBeGreaterThan(0);
      for (const run of runs) {
        const where = `README.md:${run.block.line}`;
        expect(run.status, `${where} exited ${run.status}:\n${run.output}`).toBe(0);
        if (run.expect !== null)
          expect(run.output, `${where} printed:\n${run.output}`).toMatch(run.expect);
      }
    },
    300_000,
  );
});
