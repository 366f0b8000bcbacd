import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MODULE_PATH,
  renderSqlModule,
  SQL_DIR,
  withoutLiteralsAndComments,
} from "../../../scripts/generate-sql-module.mjs";
import { JOB_STATUSES, OutcomeMessage, RUN_STATUSES } from "../../../src/state/vocabulary.js";
import { NOTICE_PREFIX } from "../../../src/stores/postgres/notifications.js";
import { schemaName } from "../../../src/stores/postgres/schema-name.js";
import { psqlVariableCommands, renderSql } from "../../../src/stores/postgres/sql/render-sql.js";
import { STATEMENT_FILES } from "../../../src/stores/postgres/sql/sql-files.generated.js";
import { renderStatements } from "../../../src/stores/postgres/sql/statements.js";
import { runPsql } from "./support/psql.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

const STATEMENTS_DIR = path.join(SQL_DIR, "statements");
const sqlFiles = (["migrations", "statements"] as const).flatMap((folder) =>
  readdirSync(path.join(SQL_DIR, folder))
    .filter((name) => name.endsWith(".sql"))
    .map((name) => ({
      file: `${folder}/${name}`,
      text: readFileSync(path.join(SQL_DIR, folder, name), "utf8"),
    })),
);

let db: TestSchema;
beforeAll(async () => {
  db = await createMigratedTestSchema("sql_files");
});
afterAll(async () => {
  await db?.drop();
});

describe("the store's .sql files", () => {
  it("are embedded in the committed sql-files.generated.ts as they are now (regenerate with scripts/generate-sql-module.mjs)", () => {
    expect(readFileSync(MODULE_PATH, "utf8")).toBe(renderSqlModule());
    expect(Object.keys(STATEMENT_FILES)).toEqual(
      sqlFiles
        .filter((f) => f.file.startsWith("statements/"))
        .map((f) => path.basename(f.file, ".sql")),
    );
  });

  it("never spell a status, a fixed outcome message or a notice prefix as a literal: they come from the vocabulary as variables", () => {
    const vocabulary = new Set<string>([
      ...JOB_STATUSES,
      ...RUN_STATUSES,
      ...Object.values(OutcomeMessage),
      ...Object.values(NOTICE_PREFIX),
    ]);
    const spelled = sqlFiles.flatMap(({ file, text }) =>
      [...text.replace(/--.*$/gm, "").matchAll(/(?<!:)'((?:[^']|'')*)'/g)]
        .map((match) => match[1]!.replaceAll("''", "'"))
        .filter((literal) => vocabulary.has(literal))
        .map((literal) => `${file}: '${literal}'`),
    );
    expect(spelled).toEqual([]);
    // The check itself sees a literal status when there is one.
    expect(
      [..."WHERE status = 'queued'".matchAll(/(?<!:)'((?:[^']|'')*)'/g)].map((m) => m[1]),
    ).toEqual(["queued"]);
  });

  it("render every variable they use, from the vocabulary, for any schema", () => {
    const schema = schemaName("jobs_prod");
    const rendered = Object.values(renderStatements(schema)).map((statement) => statement.text);
    for (const text of rendered)
      expect(withoutLiteralsAndComments(text)).not.toMatch(/(?<!:):["']/);
    expect(
      renderSql(
        `SELECT 1 FROM :"schema".runs WHERE status = :'status_waiting_retry' AND message = :'message_cancelled_before_execution'`,
        schema,
      ),
    ).toBe(
      `SELECT 1 FROM "jobs_prod".runs WHERE status = 'waiting-retry' AND message = 'cancelled before execution'`,
    );
    expect(() => renderSql(`SELECT :'status_finished'`, schema)).toThrow(
      /unknown variable :'status_finished'/,
    );
  });

  it("paste into psql as they are: a statement with parameters as the body of PREPARE, one without as it is", async () => {
    const names = Object.keys(STATEMENT_FILES) as (keyof typeof STATEMENT_FILES)[];
    const script = [
      psqlVariableCommands(db.schema.name),
      ...names.map((name) => {
        const file = readFileSync(path.join(STATEMENTS_DIR, `${name}.sql`), "utf8");
        if (STATEMENT_FILES[name].parameterCount === 0) return file;
        const prepared = name.replaceAll("-", "_");
        return `PREPARE ${prepared} AS\n${file}\nDEALLOCATE ${prepared};`;
      }),
    ].join("\n");

    const result = await runPsql(script);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const prepared = names.filter((name) => STATEMENT_FILES[name].parameterCount > 0).length;
    expect(result.stdout.match(/^PREPARE$/gm)?.length).toBe(prepared);
  });

  it("are each described in docs/postgres.md, which shows the psql variables exactly as the store renders them", () => {
    const doc = readFileSync(new URL("../../../../../docs/postgres.md", import.meta.url), "utf8");
    expect(doc).toContain(`\`\`\`\n${psqlVariableCommands("elarion")}\n\`\`\``);
    const statementFiles = sqlFiles
      .filter((f) => f.file.startsWith("statements/"))
      .map((f) => path.basename(f.file));
    expect(statementFiles.filter((file) => !doc.includes(`\`${file}\``))).toEqual([]);
  });
});
