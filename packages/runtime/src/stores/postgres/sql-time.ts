/**
 * Instants cross the wire as epoch milliseconds (numbers), so the store never depends on the
 * client's time zone or on `Date` parsing, and the scheduler's clock (a ManualClock in tests)
 * stays the source of due times. Columns are `timestamptz` so the tables read naturally.
 */

/** SQL for "this float8 parameter of epoch milliseconds as timestamptz". */
export function toTimestamp(parameter: string): string {
  return `to_timestamp(${parameter}::float8 / 1000)`;
}

/** SQL for "this timestamptz column as float8 epoch milliseconds" (null stays null). */
export function toEpochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}
