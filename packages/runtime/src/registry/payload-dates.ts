/**
 * How a `Date` in a payload is stored: as the ISO 8601 string `toISOString()` writes. The generated
 * payload codecs (see `PayloadCodec` in job-descriptor.ts) call these at each place the payload
 * type says `Date`; called only by generated code.
 */

// `toISOString()` output (years beyond 9999 get a sign and six digits), plus offsets other
// processes may have written; the calendar check is left to `Date.parse`.
const ISO_DATE_TIME =
  /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether `value` is a payload date: a valid `Date`, or its stored form (an ISO 8601 date-time
 * string), so one validator accepts a payload both at `schedule` and as a store returns it.
 *
 * @example
 * ```ts
 * isPayloadDate(new Date()); // true
 * isPayloadDate("2026-03-01T03:00:00.000Z"); // true
 * isPayloadDate("yesterday"); // false
 * ```
 */
export function isPayloadDate(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return typeof value === "string" && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The stored form of a payload date: a `Date` becomes its ISO string; anything else is returned as
 * it is (the validator has already checked it).
 *
 * @example
 * ```ts
 * encodePayloadDate(new Date(0)); // "1970-01-01T00:00:00.000Z"
 * ```
 */
export function encodePayloadDate(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * A payload date as `execute` receives it: a fresh `Date` from its stored ISO string (or from a
 * `Date`, copied so no run shares it with another).
 *
 * @example
 * ```ts
 * decodePayloadDate("1970-01-01T00:00:00.000Z"); // Date(0)
 * ```
 */
export function decodePayloadDate(value: unknown): unknown {
  if (typeof value === "string") return new Date(value);
  return value instanceof Date ? new Date(value.getTime()) : value;
}
