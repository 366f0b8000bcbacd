/**
 * A span of time: milliseconds as a number, or a string such as `"50ms"`, `"1.5s"`, `"15m"`,
 * `"6h"`, `"1d"` or a clock span `"01:30:00"` (hours:minutes:seconds, optional `.fff`).
 *
 * @example
 * ```ts
 * @ScheduledJob("reports.flush", { fixedRate: "15m", initialDelay: 5_000 })
 * ```
 */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const UNIT_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const CLOCK_PATTERN = /^(\d+):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?$/;

/** Why a duration was rejected, or the parsed milliseconds. */
export type DurationParseResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly error: string };

/**
 * Parses a {@link Duration} without throwing. Shared by the runtime and the generator so that a
 * duration accepted at build time is accepted at run time, byte for byte the same rules.
 */
export function tryParseDuration(value: Duration): DurationParseResult {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      return { ok: false, error: `${String(value)} is not a finite number of milliseconds` };
    if (value < 0)
      return { ok: false, error: `${value} is negative; durations must be 0 or more milliseconds` };
    return { ok: true, ms: value };
  }
  if (typeof value !== "string")
    return {
      ok: false,
      error: `expected a number of milliseconds or a string like "1.5s", got ${typeof value}`,
    };
  const text = value.trim();
  const unit = UNIT_PATTERN.exec(text);
  if (unit) return { ok: true, ms: Math.round(Number(unit[1]) * UNIT_MS[unit[2]!]!) };
  const clock = CLOCK_PATTERN.exec(text);
  if (clock) {
    const fraction = clock[4] === undefined ? 0 : Number(clock[4].padEnd(3, "0"));
    return {
      ok: true,
      ms: ((Number(clock[1]) * 60 + Number(clock[2])) * 60 + Number(clock[3])) * 1_000 + fraction,
    };
  }
  return {
    ok: false,
    error: `"${value}" is not a duration; use milliseconds (1500), a number with a unit ("50ms", "1.5s", "15m", "6h", "1d") or "hh:mm:ss"`,
  };
}

/** Parses a {@link Duration}, throwing a `RangeError` that names `what` when it is invalid. */
export function parseDuration(value: Duration, what: string): number {
  const result = tryParseDuration(value);
  if (!result.ok) throw new RangeError(`Invalid ${what}: ${result.error}.`);
  return result.ms;
}
