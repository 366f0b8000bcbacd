import { HELD_RUN_STATUS, JOB_STATUSES, OutcomeMessage } from "../../../state/vocabulary.js";
import { NOTICE_PREFIX } from "../notifications.js";
import { quoteIdentifier, type SchemaName } from "../schema-name.js";

/**
 * The .sql files name their schema and every status, fixed outcome message and notice prefix as
 * psql variables: `:"schema"` (an identifier), `:'status_queued'`, `:'message_cancelled'`,
 * `:'notice_new_work'` (literals). The store renders them here, from state/vocabulary.ts and
 * notifications.ts, so the words a row holds and the words the TypeScript compares against are one
 * definition; psql renders them from `\set` (see {@link psqlVariableCommands} and docs/postgres.md).
 */

const snakeCase = (name: string): string =>
  name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replaceAll("-", "_");

/** Every variable of the .sql files except `schema`, with its value. */
export const SQL_VOCABULARY: ReadonlyMap<string, string> = new Map([
  ...JOB_STATUSES.map((status) => [`status_${snakeCase(status)}`, status] as const),
  ["status_held", HELD_RUN_STATUS],
  ...Object.entries(OutcomeMessage).map(
    ([key, message]) => [`message_${snakeCase(key)}`, message] as const,
  ),
  ...Object.entries(NOTICE_PREFIX).map(
    ([key, prefix]) => [`notice_${snakeCase(key)}`, prefix] as const,
  ),
]);

/** `:'name'` (a literal) or `:"name"` (an identifier), as psql interpolates them; never `::` casts. */
const VARIABLE = /(?<!:):(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)")/g;

const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/**
 * Substitutes the variables of a .sql file's text for `schema`. Throws on a variable it does not
 * know, so a misspelt status fails at load rather than matching no row.
 *
 * @example
 * ```ts
 * renderSql(`SELECT count(*) FROM :"schema".runs WHERE status = :'status_queued'`, schemaName("elarion"));
 * // SELECT count(*) FROM "elarion".runs WHERE status = 'queued'
 * ```
 */
export function renderSql(template: string, schema: SchemaName): string {
  return template.replace(
    VARIABLE,
    (_match, literalName: string | undefined, identifierName: string | undefined) => {
      const name = (literalName ?? identifierName)!;
      const value = name === "schema" ? schema.name : SQL_VOCABULARY.get(name);
      if (value === undefined)
        throw new Error(
          `postgresStore: the SQL uses the unknown variable :${literalName !== undefined ? `'${name}'` : `"${name}"`}; add it to sql/render-sql.ts.`,
        );
      return literalName !== undefined ? quoteLiteral(value) : quoteIdentifier(value);
    },
  );
}

/**
 * The psql commands that define the .sql files' variables, so a statement file pastes into psql
 * as it is (docs/postgres.md shows them for the default schema).
 */
export function psqlVariableCommands(schema: string): string {
  const lines = [`\\set schema ${schema}`];
  for (const [name, value] of SQL_VOCABULARY)
    lines.push(`\\set ${name} ${/^[a-z-]+$/.test(value) ? value : quoteLiteral(value)}`);
  return lines.join("\n");
}
