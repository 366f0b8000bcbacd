// A brute-force reading of the documented cron rules, as slow and plain as possible, to referee the
// fast search: walk every whole minute (or second) of a window, read its wall clock from Intl, and
// fire when the fields match and that wall-clock time has not been seen earlier (a repeated
// fall-back time fires once, at its first occurrence; a time inside a spring-forward gap never
// shows up on the wall clock, so it never fires). Shares no code with src/policy.

import type { GeneratedCron } from "./cron-grammar.js";

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetNames = new Map<string, Intl.DateTimeFormat>();

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The wall clock of `timeZone` at an instant, read from Intl. */
export function wallClock(timeZone: string, instantMs: number): WallClock {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  // "Sun, 3/29/2026, 02:30:00"
  const match = WALL_CLOCK.exec(formatter.format(instantMs));
  if (match === null) throw new Error(`unexpected wall-clock text ${formatter.format(instantMs)}`);
  const [, weekday, month, day, year, hour, minute, second] = match;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    weekday: WEEKDAYS.indexOf(weekday!),
  };
}

const WALL_CLOCK = /^(\w{3}), (\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

function matches(cron: GeneratedCron, clock: WallClock): boolean {
  if (
    !cron.seconds.has(clock.second) ||
    !cron.minutes.has(clock.minute) ||
    !cron.hours.has(clock.hour) ||
    !cron.months.has(clock.month)
  ) {
    return false;
  }
  const dayOfMonth = cron.daysOfMonth.has(clock.day);
  const dayOfWeek = cron.daysOfWeek.has(clock.weekday);
  // Vixie cron: a day field starting with "*" is unrestricted, and then both must match.
  return cron.dayOfMonthIsStar || cron.dayOfWeekIsStar
    ? dayOfMonth && dayOfWeek
    : dayOfMonth || dayOfWeek;
}

/** A repetition never lasts longer than this, so first passes that matter start no earlier. */
const LOOK_BEHIND_MS = 3 * 3_600_000;

/**
 * Every fire instant in `(afterMs, untilMs]`, found by testing each whole second (6 fields) or
 * minute (5 fields) in order.
 */
export function bruteForceFires(
  cron: GeneratedCron,
  timeZone: string,
  afterMs: number,
  untilMs: number,
): number[] {
  const stepMs = cron.hasSeconds ? 1_000 : 60_000;
  const seen = new Set<string>();
  const fires: number[] = [];
  for (
    let instant = Math.floor((afterMs - LOOK_BEHIND_MS) / stepMs) * stepMs;
    instant <= untilMs;
    instant += stepMs
  ) {
    const clock = wallClock(timeZone, instant);
    const key = `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}:${clock.second}`;
    const first = !seen.has(key);
    seen.add(key);
    if (instant > afterMs && first && matches(cron, clock)) fires.push(instant);
  }
  return fires;
}

/** The zone's offset name at an instant ("GMT+05:30"), straight from Intl. */
function offsetName(timeZone: string, instantMs: number): string {
  let formatter = offsetNames.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetNames.set(timeZone, formatter);
  }
  return formatter.formatToParts(instantMs).find((part) => part.type === "timeZoneName")!.value;
}

/**
 * The instants in `(fromMs, toMs]` at which the zone's UTC offset changes, to the minute: sampled
 * weekly, then bisected. That assumes no offset lasts less than a week, which holds for the zones
 * the differential test uses (their transitions are months apart).
 */
export function offsetTransitions(timeZone: string, fromMs: number, toMs: number): number[] {
  const transitions: number[] = [];
  const sampleMs = 7 * 86_400_000;
  let previous = fromMs;
  let previousName = offsetName(timeZone, fromMs);
  for (
    let sample = Math.min(fromMs + sampleMs, toMs);
    ;
    sample = Math.min(sample + sampleMs, toMs)
  ) {
    const name = offsetName(timeZone, sample);
    if (name !== previousName) {
      let low = previous;
      let high = sample;
      while (high - low > 60_000) {
        const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
        if (middle <= low) break;
        if (offsetName(timeZone, middle) === previousName) low = middle;
        else high = middle;
      }
      transitions.push(high);
    }
    previous = sample;
    previousName = name;
    if (sample >= toMs) return transitions;
  }
}

/** The zone's offset from UTC at an instant (local = instant + offset), from the Intl wall clock. */
export function offsetMsAt(timeZone: string, instantMs: number): number {
  const whole = Math.floor(instantMs / 60_000) * 60_000;
  const clock = wallClock(timeZone, whole);
  return (
    Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - whole
  );
}

/** Whether `instantMs` lies in the second pass of a repeated (fall-back) stretch of wall-clock time. */
export function inSecondPass(timeZone: string, instantMs: number): boolean {
  return offsetTransitions(timeZone, instantMs - LOOK_BEHIND_MS, instantMs).some((transition) => {
    const shrink = offsetMsAt(timeZone, transition - 60_000) - offsetMsAt(timeZone, transition);
    return shrink > 0 && instantMs < transition + shrink;
  });
}
