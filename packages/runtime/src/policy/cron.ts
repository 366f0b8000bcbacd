// The one cron implementation, shared by the runtime (due times) and the generator (validation).
// Its rules, and each intended difference from cron-parser and croner, are in docs/semantics.md
// ("Cron"); test/policy/cron-differential.test.ts holds it to them against a brute-force referee.
//
// Library decision: an own compact parser and next-time search, not `croner`. croner 11.0.1 was
// evaluated (2026-11-28) against the semantics pinned in test/policy/cron.test.ts. It passes 6
// fields, names, `?`, Feb 30 never firing, dow 7 = Sunday and "strictly after", but fails the rules
// of docs/semantics.md on daylight saving, by its documented design (it follows Vixie cron's DST heuristics):
//   - "30 2 * * *" in Europe/Vienna on 2026-03-29 fires at 03:00 (after the gap); ours: no fire;
//   - "*/15 * * * *" fires through both passes of the repeated hour on 2026-10-25; ours: a
//     repeated local time fires once;
//   - "0 0 */2 * MON" is OR-ed, where Vixie cron AND-s a day field that starts with "*".
// Wrapping it would mean re-deriving every instant around a transition, i.e. writing the search
// anyway, so the runtime keeps zero dependencies here. Zone offsets come from Intl with one cached
// formatter and a per-year transition table per zone (see time-zone.ts). Measured on the shared
// 2-core dev box (Node 20): nextAfter for "0 3 * * *" about 0.6 µs in UTC and 1-4 µs in
// Europe/Vienna (the first lookup in a new zone-year costs about 1 ms to build its table).

import { CronSyntaxError, parseCronFields, type CronFields } from "./cron-fields.js";
import {
  DAY_MS,
  daysInMonth,
  GREGORIAN_CYCLE_DAYS,
  maxDaysInMonth,
  utcMs,
  weekdayOfUtcMidnight,
} from "./gregorian-calendar.js";
import {
  assertValidTimeZone,
  instantsOfLocalTime,
  localTimeAfterGap,
  localTimeAfterRepetition,
  zoneOffsetMs,
} from "./time-zone.js";

/**
 * How far nextAfter searches: one Gregorian cycle (400 years, exactly 20,871 weeks), over which every
 * pairing of date and weekday recurs, so an expression whose day fields match any day at all matches
 * one within any 146,097 consecutive days. That makes the search complete for the calendar; whether
 * any day matches at all is decided up front ({@link calendarNeverMatches}).
 */
const SEARCH_HORIZON_MS = (GREGORIAN_CYCLE_DAYS + 1) * DAY_MS;
const MAX_DATE_MS = 8.64e15;
// Zone offsets are tabulated per whole calendar year and looked up a day either side of a local
// time, so the search stays inside the first and last full years a `Date` can hold.
const SEARCHABLE_FROM_MS = Date.UTC(-271_820, 0, 3);
const SEARCHABLE_UNTIL_MS = Date.UTC(275_759, 11, 29);
const MONTH_NAMES = [
  "",
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * A parsed cron expression.
 *
 * Evaluation is wall-clock time in an IANA zone, with daylight saving handled per local time:
 * a local time that a spring-forward gap skips does not fire that day (no shifting to 03:00), and
 * a local time that a fall-back repeats fires once, at its first occurrence. The rule applies to
 * every local time alike, so a `"*\/15 * * * *"` job fires at 02:00, 02:15, 02:30 and 02:45 of the
 * first pass of Vienna's repeated hour, stays silent through the second pass, and fires next at
 * 03:00 (one real hour and a quarter later).
 */
export interface CronExpression {
  readonly source: string;
  readonly hasSeconds: boolean;
  /**
   * The first fire instant strictly after `afterMs` (epoch ms), evaluated as wall-clock time in
   * `timeZone` (IANA). `null` when it never fires: at once when no calendar day can match (e.g.
   * `"0 0 30 2 *"`), otherwise after searching one 400-year Gregorian cycle, over which every
   * date-and-weekday pattern repeats (so `"0 0 29 2 *"` after 2096 finds 2104); and `null` past the
   * last full year a `Date` holds (275759). {@link cronNeverFiresReason} says why. Throws a
   * `RangeError` for an unknown time zone or an `afterMs` that is not a finite `Date` instant.
   *
   * @example
   * ```ts
   * const daily = parseCron("30 2 * * *");
   * new Date(daily.nextAfter(Date.parse("2026-03-28T12:00:00Z"), "Europe/Vienna")!).toISOString();
   * // "2026-03-30T00:30:00.000Z" (no 02:30 exists in Vienna on 2026-03-29)
   * ```
   */
  nextAfter(afterMs: number, timeZone: string): number | null;
}

/** The outcome of {@link tryParseCron}. */
export type CronParseResult = { ok: true; cron: CronExpression } | { ok: false; error: string };

class ParsedCron implements CronExpression {
  readonly hasSeconds: boolean;
  // nextAllowed[v]: the smallest allowed value >= v, or -1 when none is left in the field.
  private readonly nextSecond: Int8Array;
  private readonly nextMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly neverMatches: boolean;
  private readonly everyWeekday: boolean;

  constructor(
    readonly source: string,
    readonly fields: CronFields,
  ) {
    this.hasSeconds = fields.hasSeconds;
    this.nextSecond = nextAllowedTable(fields.seconds);
    this.nextMinute = nextAllowedTable(fields.minutes);
    this.nextHour = nextAllowedTable(fields.hours);
    this.neverMatches = calendarNeverMatches(fields);
    this.everyWeekday = fields.daysOfWeek.every(Boolean);
  }

  nextAfter(afterMs: number, timeZone: string): number | null {
    if (!(afterMs >= SEARCHABLE_FROM_MS && afterMs <= MAX_DATE_MS)) {
      throw new RangeError(
        `cron nextAfter: afterMs must be a finite epoch-millisecond number within the range of Date (from 3 January -271820 on), got ${String(afterMs)}.`,
      );
    }
    assertValidTimeZone(timeZone);
    if (this.neverMatches || afterMs >= SEARCHABLE_UNTIL_MS) return null;
    const afterLocalSecond =
      Math.floor((afterMs + zoneOffsetMs(timeZone, afterMs)) / 1_000) * 1_000;
    let fromLocal = afterLocalSecond + 1_000;
    // During the second pass of a repeated hour its local times already fired on the first pass.
    const instantsOfAfter = instantsOfLocalTime(timeZone, afterLocalSecond);
    if (instantsOfAfter.length === 2 && afterMs >= instantsOfAfter[1]!) {
      fromLocal = Math.max(
        fromLocal,
        localTimeAfterRepetition(timeZone, instantsOfAfter[0]!, instantsOfAfter[1]!),
      );
    }
    const horizonLocal = Math.min(afterLocalSecond + SEARCH_HORIZON_MS, SEARCHABLE_UNTIL_MS);
    for (;;) {
      const local = this.nextLocalMatch(fromLocal, horizonLocal);
      if (local === null) return null;
      const instants = instantsOfLocalTime(timeZone, local);
      if (instants.length === 0) {
        fromLocal = Math.max(local + 1_000, localTimeAfterGap(timeZone, local));
        continue;
      }
      if (instants[0]! > afterMs) return instants[0]!;
      fromLocal = local + 1_000;
    }
  }

  /** The first local wall-clock time (fields encoded as UTC) at or after `fromLocal` that matches. */
  private nextLocalMatch(fromLocal: number, horizonLocal: number): number | null {
    const { months } = this.fields;
    const start = new Date(fromLocal);
    // The horizon as calendar fields, so the loop compares small integers instead of calling Date.UTC.
    const horizon = new Date(horizonLocal);
    const horizonYear = horizon.getUTCFullYear();
    const horizonMonth = horizon.getUTCMonth() + 1;
    const horizonDay = horizon.getUTCDate();
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth() + 1;
    let day = start.getUTCDate();
    let hour = start.getUTCHours();
    let minute = start.getUTCMinutes();
    let second = start.getUTCSeconds();
    for (;;) {
      if (hour > 23) {
        day += 1;
        hour = minute = second = 0;
      }
      if (day > daysInMonth(year, month)) {
        day = 1;
        month += 1;
        hour = minute = second = 0;
      }
      if (month > 12) {
        month = 1;
        year += 1;
      }
      if (
        year > horizonYear ||
        (year === horizonYear &&
          (month > horizonMonth || (month === horizonMonth && day > horizonDay)))
      )
        return null;
      if (!months[month]) {
        month += 1;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      if (!this.dayMatches(year, month, day)) {
        day += 1;
        hour = minute = second = 0;
        continue;
      }
      const matchedHour = this.nextHour[hour]!;
      if (matchedHour < 0) {
        hour = 24;
        continue;
      }
      if (matchedHour !== hour) {
        hour = matchedHour;
        minute = second = 0;
      }
      const matchedMinute = this.nextMinute[minute]!;
      if (matchedMinute < 0) {
        hour += 1;
        minute = second = 0;
        continue;
      }
      if (matchedMinute !== minute) {
        minute = matchedMinute;
        second = 0;
      }
      const matchedSecond = this.nextSecond[second]!;
      if (matchedSecond >= 0) return utcMs(year, month - 1, day, hour, minute, matchedSecond);
      second = 0;
      minute += 1;
      if (minute > 59) {
        minute = 0;
        hour += 1;
      }
    }
  }

  /** Vixie cron: when both day fields are restricted, either may match; otherwise both must. */
  private dayMatches(year: number, month: number, day: number): boolean {
    const { daysOfMonth, daysOfWeek, dayOfMonthIsStar, dayOfWeekIsStar } = this.fields;
    if (dayOfMonthIsStar || dayOfWeekIsStar) {
      return (
        daysOfMonth[day]! &&
        (this.everyWeekday || daysOfWeek[weekdayOfUtcMidnight(utcMs(year, month - 1, day))]!)
      );
    }
    return daysOfMonth[day]! || daysOfWeek[weekdayOfUtcMidnight(utcMs(year, month - 1, day))]!;
  }
}

function nextAllowedTable(allowed: readonly boolean[]): Int8Array {
  const table = new Int8Array(allowed.length + 1).fill(-1);
  for (let value = allowed.length - 1; value >= 0; value -= 1)
    table[value] = allowed[value] ? value : table[value + 1]!;
  return table;
}

/**
 * Parses a cron expression without throwing. The error says what is wrong and how to write it.
 *
 * @example
 * ```ts
 * const result = tryParseCron("0 3 * *");
 * if (!result.ok) console.error(result.error); // "... it has 4 field(s); write 5 (minute hour ...)"
 * ```
 */
export function tryParseCron(source: string): CronParseResult {
  try {
    return { ok: true, cron: new ParsedCron(source, parseCronFields(source)) };
  } catch (error) {
    if (error instanceof CronSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Parses a cron expression: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds
 * first); `*`, `?`, lists, ranges, steps, `JAN`-`DEC`, `SUN`-`SAT`, 0 and 7 for Sunday, and the
 * macros `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`. When both day fields are
 * restricted a day matching either fires (Vixie cron); a field starting with `*` counts as
 * unrestricted. Throws a `RangeError` with the reason.
 *
 * @example
 * ```ts
 * const weekdays = parseCron("0 9 * * MON-FRI");
 * weekdays.nextAfter(Date.now(), "Europe/Vienna");
 * ```
 */
export function parseCron(source: string): CronExpression {
  const result = tryParseCron(source);
  if (!result.ok) throw new RangeError(result.error);
  return result.cron;
}

/**
 * Whether no calendar day can ever match the day fields: every allowed day-of-month is missing from
 * every allowed month (February 30, the 31st of April) and the day-of-week cannot stand in for it.
 * Any day that exists falls on each weekday within the 400-year cycle (29 February included:
 * 2032, 2060 and 2088 are Sundays, 2016 a Monday), so this is the whole answer for the calendar.
 */
function calendarNeverMatches(fields: CronFields): boolean {
  return impossibleDays(fields) !== null;
}

/** The allowed months and days-of-month when none of those days exists in any of those months; otherwise `null`. */
function impossibleDays(fields: CronFields): { months: number[]; days: number[] } | null {
  const days = fields.daysOfMonth.flatMap((allowed, day) => (allowed ? [day] : []));
  const months = fields.months.flatMap((allowed, month) => (allowed ? [month] : []));
  // When both day fields are restricted, a matching weekday alone fires (Vixie cron's OR), and
  // every weekday occurs in every month.
  const weekdaysAlone =
    !fields.dayOfMonthIsStar && !fields.dayOfWeekIsStar && fields.daysOfWeek.some(Boolean);
  if (weekdaysAlone || months.some((month) => days.some((day) => day <= maxDaysInMonth(month))))
    return null;
  return { months, days };
}

/**
 * `null` when the expression fires at least once after `fromMs` in `timeZone`; otherwise why not.
 * It is the same answer {@link CronExpression.nextAfter} gives: `null` from nextAfter exactly when
 * this returns a reason. Two causes exist:
 * - no calendar day matches, e.g. a day-of-month that none of the chosen months has (February 30);
 *   decided from the fields alone, whatever the zone or instant;
 * - every local time it matches over the next 400-year calendar cycle falls into a daylight-saving
 *   gap of `timeZone`, e.g. `"30 2 8-14 3 *\/7"` (02:30 on the second Sunday of March) in
 *   America/New_York, whose clocks skip 02:00-02:59 that very day.
 * The generator reports either as a build error (ELG017).
 *
 * @example
 * ```ts
 * cronNeverFiresReason(parseCron("0 0 30 2 *"));
 * // 'cron expression "0 0 30 2 *" never fires: February has no day 30; ...'
 * cronNeverFiresReason(parseCron("0 3 * * *"), "Europe/Vienna"); // null
 * ```
 */
export function cronNeverFiresReason(
  cron: CronExpression,
  timeZone = "UTC",
  fromMs: number = Date.now(),
): string | null {
  const fields = cron instanceof ParsedCron ? cron.fields : parseCronFields(cron.source);
  const impossible = impossibleDays(fields);
  if (impossible !== null) {
    const monthList = impossible.months.map((month) => MONTH_NAMES[month]).join(", ");
    const dayList = impossible.days.join(", ");
    return `cron expression ${JSON.stringify(cron.source)} never fires: ${monthList} ${impossible.months.length === 1 ? "has" : "have"} no day ${dayList}; pick a day-of-month that exists in the chosen month(s).`;
  }
  if (cron.nextAfter(fromMs, timeZone) !== null) return null;
  return (
    `cron expression ${JSON.stringify(cron.source)} never fires in ${timeZone}: every local time it matches falls into a daylight-saving gap ` +
    `(a skipped hour), over a whole 400-year calendar cycle; pick a time of day outside the skipped hour or another day.`
  );
}
