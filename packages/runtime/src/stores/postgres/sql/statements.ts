import type { SchemaName } from "../schema-name.js";
import { renderSql } from "./render-sql.js";
import { STATEMENT_FILES, type StatementName } from "./sql-files.generated.js";

export type { StatementName } from "./sql-files.generated.js";

/** A statement of sql/statements/, rendered for one schema. */
export interface Statement {
  /** The prepared statement's name: one per schema and statement, parsed and planned once per connection. */
  readonly name: string;
  readonly text: string;
}

/** Every statement of sql/statements/, rendered once for `schema`. */
export function renderStatements(schema: SchemaName): Readonly<Record<StatementName, Statement>> {
  const rendered = {} as Record<StatementName, Statement>;
  for (const name of Object.keys(STATEMENT_FILES) as StatementName[]) {
    rendered[name] = {
      name: `elarion.${schema.name}.${name}`,
      text: renderSql(STATEMENT_FILES[name].sql, schema),
    };
  }
  return rendered;
}
