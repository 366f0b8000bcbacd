// IANA time-zone arithmetic on top of Intl, which is the only zone database Node ships. Offsets are
// looked up several times per cron due time, and Intl formatting costs about a microsecond per
// call, so each zone gets one cached formatter and, per calendar year, a table of its offset
// transitions found by sampling every 12 hours and bisecting to the second. Lookups are then a scan
// of a handful of numbers. The sampling assumes a zone never changes its offset twice within 12
// hours, which holds for every real transition (they are weeks or months apart).

import { utcMs } from "./gregorian-calendar.js";

const SAMPLE_STEP_MS = 12 * 3_600_000;
const MAX_DATE_MS = 8.64e15;
const MAX_CACHED_YEARS_PER_ZONE = 256;
const FIRST_PLAIN_YEAR_MS = Date.UTC(100, 0, 2);
const WALL_CLOCK_PATTERN = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** The offsets of one zone during one UTC calendar year: offsets[i] applies before transitions[i]. */
interface ZoneYear {
  readonly transitions: readonly number[];
  readonly offsets: readonly number[];
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const zoneYears = new Map<string, Map<number, ZoneYear>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      formatter = null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whether `timeZone` is an IANA time-zone id this Node.js runtime knows, such as `"Europe/Vienna"`
 * or `"UTC"`. The generator uses it to reject a misspelt `timeZone` at build time.
 *
 * @example
 * ```ts
 * isValidTimeZone("Europe/Vienna"); // true
 * isValidTimeZone("Europe/Viena");  // false
 * ```
 */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === "string" && timeZone.trim() !== "" && formatterFor(timeZone) !== null;
}

/** Throws a `RangeError` naming the zone and what to write instead when it is not a known IANA id. */
export function assertValidTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(
      `Unknown time zone ${JSON.stringify(timeZone)}; use an IANA time-zone id such as "UTC", "Europe/Vienna" or "America/New_York".`,
    );
  }
}

function isUtc(timeZone: string): boolean {
  return timeZone === "UTC" || timeZone === "Etc/UTC";
}

function computeOffsetMs(formatter: Intl.DateTimeFormat, instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1_000) * 1_000;
  // Years from 100 on print as themselves; earlier ones print without an era (1 BC as "1"), so
  // their year is taken from the instant instead.
  if (wholeSecond < FIRST_PLAIN_YEAR_MS) return computeOffsetFromParts(formatter, wholeSecond);
  const match = WALL_CLOCK_PATTERN.exec(formatter.format(wholeSecond));
  if (match === null) return computeOffsetFromParts(formatter, wholeSecond);
  const [, month, day, year, hour, minute, second] = match;
  return (
    Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
    ) - wholeSecond
  );
}

/**
 * The slower, format-agnostic path. The wall clock is less than a day from UTC, so its year is the
 * instant's UTC year, or the one before or after when the two sit on either side of New Year.
 */
function computeOffsetFromParts(formatter: Intl.DateTimeFormat, wholeSecond: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(wholeSecond)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const utc = new Date(wholeSecond);
  const month = fields["month"]!;
  const utcMonth = utc.getUTCMonth() + 1;
  const year =
    utc.getUTCFullYear() +
    (month === 1 && utcMonth === 12 ? 1 : month === 12 && utcMonth === 1 ? -1 : 0);
  return (
    utcMs(year, month - 1, fields["day"]!, fields["hour"]!, fields["minute"]!, fields["second"]!) -
    wholeSecond
  );
}

function buildZoneYear(formatter: Intl.DateTimeFormat, year: number): ZoneYear {
  const start = utcMs(year, 0, 1);
  const last = utcMs(year + 1, 0, 1) - 1_000;
  const transitions: number[] = [];
  let previousSample = start;
  let previousOffset = computeOffsetMs(formatter, start);
  const offsets = [previousOffset];
  for (
    let sample = Math.min(start + SAMPLE_STEP_MS, last);
    ;
    sample = Math.min(sample + SAMPLE_STEP_MS, last)
  ) {
    const offset = computeOffsetMs(formatter, sample);
    if (offset !== previousOffset) {
      // Bisect to the first second with the new offset.
      let low = previousSample / 1_000;
      let high = sample / 1_000;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (computeOffsetMs(formatter, middle * 1_000) === previousOffset) low = middle;
        else high = middle;
      }
      transitions.push(high * 1_000);
      offsets.push(offset);
    }
    previousSample = sample;
    previousOffset = offset;
    if (sample === last) break;
  }
  return { transitions, offsets };
}

/**
 * The offset of `timeZone` from UTC at `instantMs`, in milliseconds (local = instant + offset);
 * e.g. 3_600_000 for Europe/Vienna in winter. Throws a `RangeError` for an unknown zone.
 */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  if (!(Math.abs(instantMs) <= MAX_DATE_MS)) {
    throw new RangeError(
      `zoneOffsetMs: ${String(instantMs)} is not an epoch-millisecond instant within the range of Date.`,
    );
  }
  if (isUtc(timeZone)) return 0;
  const formatter = formatterFor(timeZone);
  if (formatter === null) assertValidTimeZone(timeZone);
  let years = zoneYears.get(timeZone);
  if (years === undefined) {
    years = new Map();
    zoneYears.set(timeZone, years);
  }
  const year = new Date(instantMs).getUTCFullYear();
  let table = years.get(year);
  if (table === undefined) {
    if (years.size >= MAX_CACHED_YEARS_PER_ZONE) years.clear();
    table = buildZoneYear(formatter!, year);
    years.set(year, table);
  }
  const { transitions, offsets } = table;
  let index = 0;
  while (index < transitions.length && instantMs >= transitions[index]!) index += 1;
  return offsets[index]!;
}

/**
 * The instants at which the wall-clock time `localMs` (local fields encoded as if they were UTC)
 * occurs in `timeZone`, earliest first: none inside a daylight-saving gap, two inside a repeated
 * (fall-back) hour, otherwise one.
 */
export function instantsOfLocalTime(timeZone: string, localMs: number): number[] {
  if (isUtc(timeZone)) return [localMs];
  // Offsets a day either side bracket any single transition near localMs.
  const offsetBefore = zoneOffsetMs(timeZone, localMs - 86_400_000);
  const offsetAfter = zoneOffsetMs(timeZone, localMs + 86_400_000);
  const instants: number[] = [];
  for (const offset of offsetBefore === offsetAfter
    ? [offsetBefore]
    : [offsetBefore, offsetAfter]) {
    const instant = localMs - offset;
    if (zoneOffsetMs(timeZone, instant) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * The first instant in `(fromMs, toMs]` at which the offset of `timeZone` differs from its offset at
 * `fromMs`, to the second; callers pass a range known to contain exactly one transition.
 */
export function findOffsetTransition(timeZone: string, fromMs: number, toMs: number): number {
  const offsetAtFrom = zoneOffsetMs(timeZone, fromMs);
  let low = Math.floor(fromMs / 1_000);
  let high = Math.ceil(toMs / 1_000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zoneOffsetMs(timeZone, middle * 1_000) === offsetAtFrom) low = middle;
    else high = middle;
  }
  return high * 1_000;
}

/** For a wall-clock time inside a daylight-saving gap: the first wall-clock time after the gap. */
export function localTimeAfterGap(timeZone: string, localMs: number): number {
  const offsetBefore = zoneOffsetMs(timeZone, localMs - 86_400_000);
  const offsetAfter = zoneOffsetMs(timeZone, localMs + 86_400_000);
  return (
    findOffsetTransition(timeZone, localMs - offsetAfter, localMs - offsetBefore) + offsetAfter
  );
}

/**
 * For a wall-clock time that occurs twice, given both instants: the wall-clock time at which the
 * repetition ends (e.g. 03:00 for Vienna's repeated 02:00-02:59).
 */
export function localTimeAfterRepetition(
  timeZone: string,
  firstInstantMs: number,
  secondInstantMs: number,
): number {
  return (
    findOffsetTransition(timeZone, firstInstantMs, secondInstantMs) +
    zoneOffsetMs(timeZone, firstInstantMs)
  );
}
