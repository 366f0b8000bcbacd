// Calendar arithmetic on the proleptic Gregorian calendar that `Date` uses, for every year a `Date`
// can hold. Date.UTC alone is not enough: it reads the years 0-99 as 1900-1999.

export const DAY_MS = 86_400_000;

/**
 * Days in one Gregorian cycle of 400 years: exactly 20,871 weeks, so dates, leap days and weekdays
 * all repeat with it.
 */
export const GREGORIAN_CYCLE_DAYS = 146_097;
const GREGORIAN_CYCLE_MS = GREGORIAN_CYCLE_DAYS * DAY_MS;

const DAYS_IN_MONTH_MAX = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** `Date.UTC` for any year, including 0-99 (shifted by one cycle and back) and years before 1. */
export function utcMs(
  year: number,
  monthIndex: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  if (year >= 0 && year < 100)
    return Date.UTC(year + 400, monthIndex, day, hour, minute, second) - GREGORIAN_CYCLE_MS;
  return Date.UTC(year, monthIndex, day, hour, minute, second);
}

/** The most days `month` (1-12) can have: 29 for February. */
export function maxDaysInMonth(month: number): number {
  return DAYS_IN_MONTH_MAX[month]!;
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH_MAX[month]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** The weekday (0 = Sunday) of a calendar day, given the epoch ms of its midnight UTC. */
export function weekdayOfUtcMidnight(midnightMs: number): number {
  return (((Math.floor(midnightMs / DAY_MS) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}
