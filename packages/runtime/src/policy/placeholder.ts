import { tryParseDuration, type DurationParseResult } from "./duration.js";

/**
 * A `@ScheduledJob` option value read as a configuration placeholder: `"${KEY}"` or
 * `"${KEY:-default}"`, always the whole value. Shared by the generator (which checks placeholders
 * and their defaults at build time) and the scheduler (which resolves them against its
 * `variables`), so both read the same syntax.
 */
export type PlaceholderParse =
  /** No `${` in the value: an ordinary literal. */
  | { readonly kind: "literal" }
  /** `defaultValue` is `null` for `"${KEY}"`. */
  | { readonly kind: "placeholder"; readonly key: string; readonly defaultValue: string | null }
  /** What is wrong, e.g. `the placeholder is not closed; end it with "}"`. */
  | { readonly kind: "malformed"; readonly reason: string };

/** Keys are variable names: letters, digits, `_` and `.` (e.g. `REPORT_CRON`, `reports.cron`). */
const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const DEFAULT_SEPARATOR = ":-";

/**
 * Reads an option value as a configuration placeholder. A value without `${` is a literal;
 * a value with `${` must be exactly one placeholder with a valid key and, after `:-`, a non-empty
 * default.
 *
 * @example
 * ```ts
 * parsePlaceholder("${REPORT_CRON:-0 3 * * *}"); // { kind: "placeholder", key: "REPORT_CRON", defaultValue: "0 3 * * *" }
 * parsePlaceholder("0 ${HOUR} * * *");           // { kind: "malformed", reason: "a placeholder must be the whole value, ..." }
 * ```
 */
export function parsePlaceholder(value: string): PlaceholderParse {
  const opening = value.indexOf("${");
  if (opening < 0) return { kind: "literal" };
  const closing = value.indexOf("}", opening);
  if (closing < 0) return malformed('the placeholder is not closed; end it with "}"');
  const second = value.indexOf("${", opening + 2);
  if (second >= 0 && second < closing) return malformed("placeholders cannot be nested; give the default as a literal");
  if (opening > 0 || closing !== value.length - 1) {
    return malformed(`a placeholder must be the whole value, not part of it (${JSON.stringify(value.slice(opening, closing + 1))} inside ${JSON.stringify(value)}); put the whole value in the variable`);
  }
  const inner = value.slice(2, -1);
  const separator = inner.indexOf(DEFAULT_SEPARATOR);
  const key = separator < 0 ? inner : inner.slice(0, separator);
  const defaultValue = separator < 0 ? null : inner.slice(separator + DEFAULT_SEPARATOR.length);
  if (key === "") return malformed('the key is empty; name the variable, e.g. "${REPORT_CRON}"');
  if (!KEY.test(key)) {
    return malformed(
      `${JSON.stringify(key)} is not a variable name (letters, digits, "_" and "." only); a default follows ":-", e.g. "\${KEY:-5m}"`,
    );
  }
  if (defaultValue === "") return malformed(`the default after ":-" is empty; write "\${${key}}" for no default, or give one`);
  return { kind: "placeholder", key, defaultValue };
}

/**
 * A duration given as text by a placeholder (its default or a variable's value): plain digits are
 * milliseconds (`"60000"`), anything else is read as a {@link Duration} string (`"1m"`).
 *
 * @example
 * ```ts
 * tryParseDurationText("60000"); // { ok: true, ms: 60000 }
 * tryParseDurationText("1.5s");  // { ok: true, ms: 1500 }
 * ```
 */
export function tryParseDurationText(text: string): DurationParseResult {
  const trimmed = text.trim();
  return tryParseDuration(/^\d+$/.test(trimmed) ? Number(trimmed) : text);
}

/**
 * `enabled` given as text by a placeholder: `"true"` or `"false"` (any letter case).
 *
 * @example
 * ```ts
 * tryParseEnabledText("False"); // { ok: true, value: false }
 * ```
 */
export function tryParseEnabledText(text: string): { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly error: string } {
  const normalised = text.trim().toLowerCase();
  if (normalised === "true" || normalised === "false") return { ok: true, value: normalised === "true" };
  return { ok: false, error: `${JSON.stringify(text)} is not true or false` };
}

/** A resolved `cron` of `"-"` turns the schedule off (the job stays registered, nothing is planned). */
export const DISABLED_CRON = "-";

function malformed(reason: string): PlaceholderParse {
  return { kind: "malformed", reason };
}
