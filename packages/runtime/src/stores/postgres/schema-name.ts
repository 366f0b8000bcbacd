import { coded } from "../../core/runtime-errors.js";

/** A validated schema name and the SQL identifiers derived from it. */
export interface SchemaName {
  /** The name as given, e.g. `elarion`. */
  readonly name: string;
  /** The quoted identifier to splice into SQL, e.g. `"elarion"`. */
  readonly quoted: string;
  /** The LISTEN/NOTIFY channel of this schema (a string for `pg_notify`, quoted for `LISTEN`). */
  readonly channel: string;
  readonly quotedChannel: string;
  /** The advisory lock key that serialises migrations of this schema. */
  readonly migrationLockKey: string;
}

/** Lower-case SQL identifier, short enough to leave room for the channel suffix (63-byte limit). */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,47}$/;
const CHANNEL_SUFFIX = "_wake";

/**
 * Validates a schema name. Schema names cannot be query parameters, so they are restricted to
 * plain lower-case identifiers and always spliced in quoted.
 */
export function schemaName(name: unknown): SchemaName {
  if (typeof name !== "string" || !SCHEMA_PATTERN.test(name)) {
    throw coded(
      new TypeError(
        `postgresStore: invalid schema name ${JSON.stringify(name)}; use 1 to 48 lower-case letters, ` +
          `digits or underscores, starting with a letter or underscore (e.g. "elarion" or "jobs_prod").`,
      ),
      "ELR510",
    );
  }
  const channel = `${name}${CHANNEL_SUFFIX}`;
  return {
    name,
    quoted: quoteIdentifier(name),
    channel,
    quotedChannel: quoteIdentifier(channel),
    migrationLockKey: `elarion.migrate.${name}`,
  };
}

/** Quotes an identifier the way PostgreSQL's `quote_ident` does. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
