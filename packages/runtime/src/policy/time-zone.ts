// IANA time-zone arithmetic on top of Intl, which is the only zone database Node ships. Offsets are
// looked up for every cron due time, so formatters are created once per zone and whole hours with a
// constant offset are memoised (a zone changes its offset at most once within any hour).

const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS_PER_ZONE = 4_096;

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const hourOffsets = new Map<string, Map<number, number>>();

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
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(wholeSecond)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const wallClockAsUtc = Date.UTC(fields["year"]!, fields["month"]! - 1, fields["day"]!, fields["hour"]!, fields["minute"]!, fields["second"]!);
  return wallClockAsUtc - wholeSecond;
}

/**
 * The offset of `timeZone` from UTC at `instantMs`, in milliseconds (local = instant + offset);
 * e.g. 3_600_000 for Europe/Vienna in winter. Throws a `RangeError` for an unknown zone.
 */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  if (isUtc(timeZone)) return 0;
  const formatter = formatterFor(timeZone);
  if (formatter === null) assertValidTimeZone(timeZone);
  let perHour = hourOffsets.get(timeZone);
  if (perHour === undefined) {
    perHour = new Map();
    hourOffsets.set(timeZone, perHour);
  }
  const hour = Math.floor(instantMs / HOUR_MS);
  const cached = perHour.get(hour);
  if (cached !== undefined) return cached;
  const atStart = computeOffsetMs(formatter!, hour * HOUR_MS);
  const atEnd = computeOffsetMs(formatter!, hour * HOUR_MS + HOUR_MS - 1_000);
  // An hour that contains a transition is not memoised: the offset depends on the exact instant.
  if (atStart !== atEnd) return computeOffsetMs(formatter!, instantMs);
  if (perHour.size >= MAX_CACHED_HOURS_PER_ZONE) perHour.clear();
  perHour.set(hour, atStart);
  return atStart;
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
  for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
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
  return findOffsetTransition(timeZone, localMs - offsetAfter, localMs - offsetBefore) + offsetAfter;
}

/**
 * For a wall-clock time that occurs twice, given both instants: the wall-clock time at which the
 * repetition ends (e.g. 03:00 for Vienna's repeated 02:00-02:59).
 */
export function localTimeAfterRepetition(timeZone: string, firstInstantMs: number, secondInstantMs: number): number {
  return findOffsetTransition(timeZone, firstInstantMs, secondInstantMs) + zoneOffsetMs(timeZone, firstInstantMs);
}
