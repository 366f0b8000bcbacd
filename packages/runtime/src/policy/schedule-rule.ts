// The rule of a schedule defined at run time (`upsertSchedule`), read and checked with the parsers
// the generator uses for `@ScheduledJob` options, in the generator's words, so a definition
// refused at build time is refused at run time with the same sentence.

import { cronNeverFiresReason, tryParseCron } from "./cron.js";
import { tryParseDuration, type Duration } from "./duration.js";
import type { MisfirePolicy } from "./misfire.js";
import type { ScheduleSpec } from "./schedule-spec.js";
import { isValidTimeZone } from "./time-zone.js";

/** How occurrences of a run-time schedule treat a previous occurrence that is still running. */
export type ScheduleRuleOverlap = "skip" | "queue" | "allow-concurrent";

/**
 * A run-time schedule, normalised: exactly one of `cron`, `fixedRateMs`, `fixedDelayMs` is set;
 * `timeZone` is set with `cron` only. Plain data, stored as it is (PostgreSQL: `jsonb`).
 */
export interface ScheduleRule {
  readonly cron: string | null;
  readonly timeZone: string | null;
  readonly fixedRateMs: number | null;
  readonly fixedDelayMs: number | null;
  readonly misfire: MisfirePolicy;
  readonly overlap: ScheduleRuleOverlap;
  readonly enabled: boolean;
}

/** The rule, or every problem found (each a sentence). */
export type ScheduleRuleResult =
  | { readonly ok: true; readonly rule: ScheduleRule }
  | { readonly ok: false; readonly problems: readonly string[] };

const KNOWN_OPTIONS = [
  "cron",
  "timeZone",
  "fixedRate",
  "fixedDelay",
  "misfire",
  "overlap",
  "enabled",
] as const;
const MISFIRE: readonly MisfirePolicy[] = ["fire-once", "skip", "catch-up"];
const OVERLAP: readonly ScheduleRuleOverlap[] = ["skip", "queue", "allow-concurrent"];

/**
 * Reads a run-time schedule definition. The messages are the generator's for the same mistakes in
 * `@ScheduledJob` options (ELG016 invalid cron, ELG017 never fires, ELG018 time zone, ELG019
 * duration, ELG020 conflicting options, ELG021 negative number, ELG025 option value, ELG026
 * unknown option), computed by the same parsers. `misfire` is ignored by fixed-delay schedules,
 * as by `@ScheduledJob` (a fixed delay is never late).
 *
 * @example
 * ```ts
 * readScheduleRule({ cron: "0 3 * * *", timeZone: "Europe/Vienna" });
 * // { ok: true, rule: { cron: "0 3 * * *", timeZone: "Europe/Vienna", fixedRateMs: null, ..., misfire: "fire-once", overlap: "skip", enabled: true } }
 * readScheduleRule({ cron: "0 3 * *" });
 * // { ok: false, problems: ['Invalid cron expression "0 3 * *": it has 4 field(s); ...'] }
 * ```
 */
export function readScheduleRule(definition: unknown): ScheduleRuleResult {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
    return {
      ok: false,
      problems: [
        `Invalid value for option schedule: ${describe(definition)}. Expected an object such as { cron: "0 3 * * *" } or { fixedRate: "15m" }.`,
      ],
    };
  }
  const options = definition as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (options[key] !== undefined && !(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      problems.push(
        `Unknown option "${key}" of the schedule. Known options: ${KNOWN_OPTIONS.join(", ")}.`,
      );
    }
  }
  const present = (key: (typeof KNOWN_OPTIONS)[number]): boolean => options[key] !== undefined;

  const cron = readString(options, "cron", problems);
  const timeZone = readString(options, "timeZone", problems);
  const fixedRate = readInterval(options, "fixedRate", problems);
  const fixedDelay = readInterval(options, "fixedDelay", problems);
  const misfire = readChoice(options, "misfire", MISFIRE, problems);
  const overlap = readChoice(options, "overlap", OVERLAP, problems);
  const enabled = options["enabled"];
  if (enabled !== undefined && typeof enabled !== "boolean")
    problems.push(optionValue("enabled", enabled, "true or false"));

  const zoneIsValid = timeZone === undefined || isValidTimeZone(timeZone);
  if (cron !== undefined) {
    const parsed = tryParseCron(cron);
    if (!parsed.ok) problems.push(sentence(parsed.error));
    else {
      // As the generator asks (ELG017): in the schedule's own zone, so a cron whose every match falls in a DST gap never fires.
      const neverFires = cronNeverFiresReason(
        parsed.cron,
        zoneIsValid ? (timeZone ?? "UTC") : "UTC",
      );
      if (neverFires !== null) problems.push(sentence(neverFires));
    }
  }
  if (!zoneIsValid) {
    problems.push(
      `Unknown time zone "${timeZone}". Use an IANA time zone id such as "UTC" or "Europe/Vienna".`,
    );
  }
  const schedules = (["cron", "fixedRate", "fixedDelay"] as const).filter(present);
  if (schedules.length === 0) {
    problems.push(
      "Conflicting schedule options: a schedule needs one of cron, fixedRate or fixedDelay; set one.",
    );
  }
  if (schedules.length > 1) {
    problems.push(
      `Conflicting schedule options: a job has one schedule, but ${schedules.join(" and ")} are both set; keep one.`,
    );
  }
  if (present("timeZone") && !present("cron")) {
    problems.push(
      "Conflicting schedule options: timeZone applies to cron schedules only; add a cron expression or remove timeZone.",
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    rule: {
      cron: cron ?? null,
      timeZone: cron === undefined ? null : (timeZone ?? "UTC"),
      fixedRateMs: fixedRate ?? null,
      fixedDelayMs: fixedDelay ?? null,
      misfire: misfire ?? "fire-once",
      overlap: overlap ?? "skip",
      enabled: (enabled as boolean | undefined) ?? true,
    },
  };
}

/**
 * The recurrence a rule follows. Interval schedules count from the moment they are defined: the
 * first slot is one interval later (there is no `runOnStart` for a schedule made at run time).
 */
export function scheduleSpecOf(rule: ScheduleRule): ScheduleSpec {
  if (rule.cron !== null)
    return { kind: "cron", expression: rule.cron, timeZone: rule.timeZone ?? "UTC" };
  if (rule.fixedRateMs !== null)
    return {
      kind: "fixed-rate",
      intervalMs: rule.fixedRateMs,
      initialDelayMs: null,
      runOnStart: false,
    };
  return {
    kind: "fixed-delay",
    delayMs: rule.fixedDelayMs ?? 0,
    initialDelayMs: null,
    runOnStart: false,
  };
}

/** Whether two rules plan the same slots (misfire, overlap and enabled aside). */
export function sameRecurrence(a: ScheduleRule, b: ScheduleRule): boolean {
  return (
    a.cron === b.cron &&
    a.timeZone === b.timeZone &&
    a.fixedRateMs === b.fixedRateMs &&
    a.fixedDelayMs === b.fixedDelayMs
  );
}

/** Whether two rules are equal in every field. */
export function sameRule(a: ScheduleRule, b: ScheduleRule): boolean {
  return (
    sameRecurrence(a, b) &&
    a.misfire === b.misfire &&
    a.overlap === b.overlap &&
    a.enabled === b.enabled
  );
}

function readString(
  options: Record<string, unknown>,
  key: string,
  problems: string[],
): string | undefined {
  const value = options[key];
  if (value === undefined || typeof value === "string") return value;
  problems.push(optionValue(key, value, "a string"));
  return undefined;
}

function readChoice<T extends string>(
  options: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  problems: string[],
): T | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "string" && (choices as readonly string[]).includes(value))
    return value as T;
  problems.push(
    optionValue(key, value, `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`),
  );
  return undefined;
}

function readInterval(
  options: Record<string, unknown>,
  key: string,
  problems: string[],
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "number" && value < 0) {
    problems.push(`${key} is ${value}, which is negative; use 0 or more.`);
    return undefined;
  }
  if (typeof value !== "number" && typeof value !== "string") {
    problems.push(
      `Invalid ${key}: ${describe(value)} is not a duration; use milliseconds (1500) or a string like "1.5s".`,
    );
    return undefined;
  }
  const parsed = tryParseDuration(value as Duration);
  if (!parsed.ok) {
    problems.push(`Invalid ${key}: ${parsed.error}.`);
    return undefined;
  }
  if (parsed.ms === 0) {
    problems.push(
      `Invalid ${key}: an interval of 0 would run without pause; use a positive duration.`,
    );
    return undefined;
  }
  return parsed.ms;
}

function optionValue(key: string, value: unknown, expected: string): string {
  return `Invalid value for option ${key}: ${describe(value)}. Expected ${expected}.`;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  return JSON.stringify(value) ?? String(value);
}

/** A parser message as one capitalised sentence ending in a single period (as the generator prints it). */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.+$/, "");
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}
