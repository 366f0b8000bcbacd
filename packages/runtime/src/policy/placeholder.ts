// Configuration placeholders: `"${KEY}"` or `"${KEY:-default}"` as the whole value of a schedule
// option, read from a variables source (process.env by default). Syntax and lookup only; what a
// resolved value means for a job's schedule is placeholder-options.ts. Shared with the generator,
// which reports a malformed placeholder with this module's message.

/** The `@ScheduledJob` options that may be written as configuration placeholders. */
export type PlaceholderOption =
  | "cron"
  | "timeZone"
  | "fixedRate"
  | "fixedDelay"
  | "initialDelay"
  | "enabled";

/** Every {@link PlaceholderOption}, in the order messages list them. */
export const PLACEHOLDER_OPTIONS: readonly PlaceholderOption[] = [
  "cron",
  "timeZone",
  "fixedRate",
  "fixedDelay",
  "initialDelay",
  "enabled",
];

/**
 * Where placeholders read their values: `get` answers a key (`undefined` when unset); `subscribe`,
 * when present, reports changed keys so the scheduler re-resolves them while it runs, and returns
 * the function that ends the subscription. The scheduler's default reads `process.env` once at
 * start, without a subscription.
 *
 * @example
 * ```ts
 * const values = new Map([["REPORT_CRON", "0 3 * * *"]]);
 * const listeners = new Set<(keys: string[]) => void>();
 * const variables: ConfigurationVariables = {
 *   get: (key) => values.get(key),
 *   subscribe: (onChange) => (listeners.add(onChange), () => listeners.delete(onChange)),
 * };
 * // later: values.set("REPORT_CRON", "0 4 * * *"); for (const listener of listeners) listener(["REPORT_CRON"]);
 * ```
 */
export interface ConfigurationVariables {
  get(key: string): string | undefined;
  subscribe?(onChange: (keys: string[]) => void): () => void;
}

/** A parsed placeholder: the variable it reads and the literal used when that is unset or empty. */
export interface Placeholder {
  /** The option value as written, e.g. `"${REPORT_CRON:-0 3 * * *}"`. */
  readonly text: string;
  readonly key: string;
  /** `null` for `"${KEY}"`; the text after `:-` (possibly empty) for `"${KEY:-default}"`. */
  readonly defaultValue: string | null;
}

/** The outcome of {@link parsePlaceholder}. */
export type PlaceholderParseResult =
  | { readonly kind: "literal" }
  | { readonly kind: "placeholder"; readonly placeholder: Placeholder }
  | { readonly kind: "malformed"; readonly error: string };

// A key is one or more names joined by ":" (configuration sections, e.g. "Jobs:Report:Cron"); a name
// starts with a letter or "_", so ":-" can only ever start the default.
const NAME = "[A-Za-z_][A-Za-z0-9_.-]*";
const PLACEHOLDER = new RegExp(`^\\$\\{(${NAME}(?::${NAME})*)(?::-([^}]*))?\\}$`);
const EXAMPLE = '"${REPORT_CRON}" or "${REPORT_CRON:-0 3 * * *}"';

/**
 * Reads an option value: a literal (no `${`), a placeholder that is the whole value, or a
 * malformed one, with a message that says what is wrong and how to write it.
 *
 * @example
 * ```ts
 * parsePlaceholder("${REPORT_CRON:-0 3 * * *}");
 * // { kind: "placeholder", placeholder: { text: "${REPORT_CRON:-0 3 * * *}", key: "REPORT_CRON", defaultValue: "0 3 * * *" } }
 * parsePlaceholder("0 ${MINUTE} * * *").kind; // "malformed": a placeholder must be the whole value
 * ```
 */
export function parsePlaceholder(text: string): PlaceholderParseResult {
  if (!text.includes("${")) return { kind: "literal" };
  const match = PLACEHOLDER.exec(text);
  if (match !== null)
    return {
      kind: "placeholder",
      placeholder: { text, key: match[1]!, defaultValue: match[2] ?? null },
    };
  const quoted = JSON.stringify(text);
  if (
    !text.startsWith("${") ||
    text.indexOf("${", 2) >= 0 ||
    (text.includes("}") && !text.endsWith("}"))
  ) {
    return {
      kind: "malformed",
      error: `Invalid placeholder ${quoted}: a placeholder must be the whole value, with nothing before or after it; write ${EXAMPLE}.`,
    };
  }
  if (!text.endsWith("}"))
    return {
      kind: "malformed",
      error: `Invalid placeholder ${quoted}: it is not closed with "}"; write ${EXAMPLE}.`,
    };
  return {
    kind: "malformed",
    error:
      `Invalid placeholder ${quoted}: the variable name must start with a letter or "_" and contain only letters, digits, "_", "." and "-" ` +
      `(sections joined by ":"), and a default follows ":-"; write ${EXAMPLE}.`,
  };
}

/** The outcome of {@link resolvePlaceholder}. */
export type PlaceholderValue =
  | { readonly ok: true; readonly value: string; readonly fromDefault: boolean }
  | { readonly ok: false; readonly error: string };

/**
 * The value a placeholder stands for: the variable's value; for `"${KEY:-default}"` the default
 * when the variable is unset or empty (as in a POSIX shell). An unset variable without a default
 * is an error naming the key.
 *
 * @example
 * ```ts
 * const placeholder = { text: "${REPORT_CRON:-0 3 * * *}", key: "REPORT_CRON", defaultValue: "0 3 * * *" };
 * resolvePlaceholder(placeholder, { get: () => undefined }); // { ok: true, value: "0 3 * * *", fromDefault: true }
 * ```
 */
export function resolvePlaceholder(
  placeholder: Placeholder,
  variables: Pick<ConfigurationVariables, "get">,
): PlaceholderValue {
  const value = variables.get(placeholder.key);
  if (value !== undefined && (value !== "" || placeholder.defaultValue === null))
    return { ok: true, value, fromDefault: false };
  if (placeholder.defaultValue !== null)
    return { ok: true, value: placeholder.defaultValue, fromDefault: true };
  return {
    ok: false,
    error: `variable ${placeholder.key} is not set and ${JSON.stringify(placeholder.text)} has no default; set ${placeholder.key}, or write "\${${placeholder.key}:-<default>}"`,
  };
}
