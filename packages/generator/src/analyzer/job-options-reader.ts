import type {
  MisfirePolicy,
  OverlapPolicy,
  Placement,
  ResiliencePolicy,
  ScheduleSpec,
  WrittenScheduleOptions,
} from "@elarion/runtime";
import {
  cronNeverFiresReason,
  isValidTimeZone,
  parsePlaceholder,
  PLACEHOLDER_OPTIONS,
  tryParseCron,
  tryParseDuration,
  type PlaceholderOption,
} from "@elarion/runtime/policy";
import type { DiagnosticKind } from "../diagnostics/diagnostic-table.js";
import { isPlainObject, PolicyValue, type ConstantValue } from "./constant-evaluator.js";

/** The options part of a job, normalised for its descriptor. */
export interface JobOptionsModel {
  readonly schedule: ScheduleSpec | null;
  readonly overlap: OverlapPolicy;
  readonly overlapExplicit: boolean;
  readonly maxConcurrentRuns: number;
  readonly group: string | null;
  readonly misfire: MisfirePolicy;
  readonly resilience: string | ResiliencePolicy | null;
  readonly enabled: boolean;
  readonly placement: Placement;
  /** Options written as configuration placeholders, verbatim; `null` when there are none. */
  readonly placeholders: Readonly<Partial<Record<PlaceholderOption, string>>> | null;
  /** The schedule options as written, when a placeholder is one of them. */
  readonly scheduleOptions: WrittenScheduleOptions | null;
}

/** Reports a problem with one option (`key`), or with the options as a whole (`null`). */
export type OptionReporter = (
  kind: DiagnosticKind,
  key: string | null,
  args: readonly string[],
) => void;

const KNOWN_OPTIONS = [
  "cron",
  "timeZone",
  "fixedRate",
  "fixedDelay",
  "initialDelay",
  "runOnStart",
  "overlap",
  "maxConcurrentRuns",
  "group",
  "misfire",
  "resilience",
  "enabled",
  "placement",
] as const;

const SCHEDULE_OPTIONS = [
  "cron",
  "timeZone",
  "fixedRate",
  "fixedDelay",
  "initialDelay",
  "runOnStart",
] as const;

const OVERLAP: readonly OverlapPolicy[] = ["skip", "queue", "allow-concurrent"];
const MISFIRE: readonly MisfirePolicy[] = ["fire-once", "skip", "catch-up"];
const PLACEMENT: readonly Placement[] = ["cluster", "every-node"];

/**
 * Validates evaluated `ScheduledJobOptions` with the runtime's own parsers (cron, time zone,
 * duration) and normalises them. Returns `null` when anything was reported as an error.
 */
export function readJobOptions(
  options: ConstantValue,
  isMethodJob: boolean,
  report: OptionReporter,
): JobOptionsModel | null {
  let failed = false;
  const error: OptionReporter = (kind, key, args) => {
    failed = true;
    report(kind, key, args);
  };
  if (options === undefined) options = {};
  if (!isPlainObject(options)) {
    error("invalidOptionValue", null, [
      "options",
      describe(options),
      'an object literal such as { cron: "0 3 * * *" }',
    ]);
    return null;
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key))
      error("unknownOption", key, [key, KNOWN_OPTIONS.join(", ")]);
  }
  const present = (key: (typeof KNOWN_OPTIONS)[number]): boolean => options[key] !== undefined;
  // Placeholders count as present for the checks across options; their defaults are checked as literals.
  const { values, placeholders, cronOff } = withPlaceholderDefaults(options, error);

  const cron = readString(values, "cron", error);
  const timeZone = readString(values, "timeZone", error);
  const fixedRate = readDuration(values, "fixedRate", true, error);
  const fixedDelay = readDuration(values, "fixedDelay", true, error);
  const initialDelay = readDuration(values, "initialDelay", false, error);
  const runOnStart = readBoolean(values, "runOnStart", error);
  const overlap = readChoice(values, "overlap", OVERLAP, error);
  const misfire = readChoice(values, "misfire", MISFIRE, error);
  const placement = readChoice(values, "placement", PLACEMENT, error);
  const enabled = readBoolean(values, "enabled", error);
  const group = readString(values, "group", error);
  if (group === "") error("invalidOptionValue", "group", ["group", '""', "a non-empty group name"]);

  if (cron !== undefined) {
    const parsed = tryParseCron(cron);
    if (!parsed.ok) error("invalidCron", "cron", [cron, sentence(parsed.error)]);
    else {
      // The runtime's own answer, in the job's zone: nextAfter returns null exactly when this is a reason.
      const neverFires = cronNeverFiresReason(
        parsed.cron,
        timeZone !== undefined && isValidTimeZone(timeZone) ? timeZone : "UTC",
      );
      if (neverFires !== null) error("cronNeverFires", "cron", [cron, sentence(neverFires)]);
    }
  }
  if (timeZone !== undefined && !isValidTimeZone(timeZone))
    error("invalidTimeZone", "timeZone", [timeZone]);

  const schedules = (["cron", "fixedRate", "fixedDelay"] as const).filter(present);
  if (schedules.length > 1) {
    error("conflictingScheduleOptions", schedules[1]!, [
      `a job has one schedule, but ${schedules.join(" and ")} are both set; keep one`,
    ]);
  }
  if (present("cron") && present("initialDelay")) {
    error("conflictingScheduleOptions", "initialDelay", [
      "initialDelay applies to fixedRate/fixedDelay jobs, not to cron; remove it or use a fixed interval",
    ]);
  }
  if (present("cron") && present("runOnStart")) {
    error("conflictingScheduleOptions", "runOnStart", [
      "runOnStart applies to fixedRate/fixedDelay jobs, not to cron; remove it",
    ]);
  }
  if (present("timeZone") && !present("cron")) {
    error("conflictingScheduleOptions", "timeZone", [
      "timeZone applies to cron schedules only; add a cron expression or remove timeZone",
    ]);
  }
  if (
    present("runOnStart") &&
    !present("cron") &&
    !present("fixedRate") &&
    !present("fixedDelay")
  ) {
    error("conflictingScheduleOptions", "runOnStart", [
      "runOnStart applies to fixedRate/fixedDelay jobs only; add an interval or remove runOnStart",
    ]);
  }
  const maxConcurrentRuns = readCount(options, "maxConcurrentRuns", error);
  if (maxConcurrentRuns !== undefined && overlap !== "allow-concurrent") {
    error("conflictingScheduleOptions", "maxConcurrentRuns", [
      'maxConcurrentRuns applies only with overlap: "allow-concurrent"; set that overlap or remove maxConcurrentRuns',
    ]);
  }
  if (isMethodJob && schedules.length === 0 && !present("initialDelay")) {
    error("conflictingScheduleOptions", null, [
      "a method job is recurring and needs a schedule: set cron, fixedRate, fixedDelay or initialDelay",
    ]);
  }
  const resilience = readResilience(values, error);
  if (failed) return null;

  let schedule: ScheduleSpec | null = null;
  // A cron defaulting to "-" has no schedule until a variable gives it one.
  if (cronOff) schedule = null;
  else if (cron !== undefined)
    schedule = { kind: "cron", expression: cron, timeZone: timeZone ?? "UTC" };
  else if (fixedRate !== undefined)
    schedule = {
      kind: "fixed-rate",
      intervalMs: fixedRate,
      initialDelayMs: initialDelay ?? null,
      runOnStart: runOnStart ?? true,
    };
  else if (fixedDelay !== undefined)
    schedule = {
      kind: "fixed-delay",
      delayMs: fixedDelay,
      initialDelayMs: initialDelay ?? null,
      runOnStart: runOnStart ?? true,
    };
  else if (initialDelay !== undefined) schedule = { kind: "once", delayMs: initialDelay };
  const effectiveOverlap = overlap ?? "skip";
  return {
    schedule,
    overlap: effectiveOverlap,
    overlapExplicit: overlap !== undefined,
    maxConcurrentRuns: effectiveOverlap === "allow-concurrent" ? (maxConcurrentRuns ?? 0) : 1,
    group: group ?? null,
    misfire: misfire ?? "fire-once",
    resilience,
    enabled: enabled ?? true,
    placement: placement ?? "cluster",
    placeholders: Object.keys(placeholders).length === 0 ? null : placeholders,
    scheduleOptions: SCHEDULE_OPTIONS.some(
      (key) => placeholders[key as PlaceholderOption] !== undefined,
    )
      ? writtenScheduleOptions(options)
      : null,
  };
}

type Options = { readonly [key: string]: ConstantValue };

/**
 * The options with each configuration placeholder replaced by its literal default, or left out when
 * it has none (the scheduler then needs the variable), so the ordinary readers check the defaults
 * with the runtime's parsers. Reports a malformed placeholder (the runtime's `parsePlaceholder`
 * message), an empty default, and a placeholder in an option that does not take one.
 */
function withPlaceholderDefaults(
  options: Options,
  error: OptionReporter,
): { values: Options; placeholders: Partial<Record<PlaceholderOption, string>>; cronOff: boolean } {
  const values: Record<string, ConstantValue> = { ...options };
  const placeholders: Partial<Record<PlaceholderOption, string>> = {};
  let cronOff = false;
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== "string") continue;
    const parsed = parsePlaceholder(value);
    if (parsed.kind === "literal") continue;
    if (!(PLACEHOLDER_OPTIONS as readonly string[]).includes(key)) {
      error("placeholderNotSupported", key, [
        key,
        JSON.stringify(value),
        PLACEHOLDER_OPTIONS.join(", "),
      ]);
      continue;
    }
    const option = key as PlaceholderOption;
    values[option] = undefined;
    if (parsed.kind === "malformed") {
      error("malformedPlaceholder", option, [option, parsed.error]);
      continue;
    }
    const { key: variable, defaultValue } = parsed.placeholder;
    placeholders[option] = value;
    if (defaultValue === null) continue;
    if (defaultValue.trim() === "") {
      // The scheduler would fall back to "" when the variable is unset or empty: no option takes that.
      const fix = `write "\${${variable}}" for no default, or give ${option} a value after ":-"`;
      error("malformedPlaceholder", option, [
        option,
        `Invalid placeholder ${JSON.stringify(value)}: its default is empty, which ${option} cannot be; ${fix}.`,
      ]);
    } else if (option === "cron" && defaultValue.trim() === "-") {
      cronOff = true;
    } else if (option === "enabled") {
      // As the scheduler reads it (policy/placeholder-options.ts): true or false in any letter case.
      const text = defaultValue.trim().toLowerCase();
      if (text === "true" || text === "false") values[option] = text === "true";
      else
        error("invalidOptionValue", option, [
          `enabled (the default of ${value})`,
          JSON.stringify(defaultValue),
          "true or false",
        ]);
    } else if (option === "fixedRate" || option === "fixedDelay" || option === "initialDelay") {
      // As the scheduler reads a variable: plain digits are milliseconds.
      values[option] = /^\d+$/.test(defaultValue.trim())
        ? Number(defaultValue.trim())
        : defaultValue;
    } else {
      values[option] = defaultValue;
    }
  }
  return { values, placeholders, cronOff };
}

function writtenScheduleOptions(options: Options): WrittenScheduleOptions {
  const written: Record<string, string | number | boolean> = {};
  for (const key of SCHEDULE_OPTIONS) {
    const value = options[key];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      written[key] = value;
  }
  return written as WrittenScheduleOptions;
}

function readString(options: Options, key: string, error: OptionReporter): string | undefined {
  const value = options[key];
  if (value === undefined || typeof value === "string") return value;
  error("invalidOptionValue", key, [key, describe(value), "a string"]);
  return undefined;
}

function readBoolean(options: Options, key: string, error: OptionReporter): boolean | undefined {
  const value = options[key];
  if (value === undefined || typeof value === "boolean") return value;
  error("invalidOptionValue", key, [key, describe(value), "true or false"]);
  return undefined;
}

function readChoice<T extends string>(
  options: Options,
  key: string,
  choices: readonly T[],
  error: OptionReporter,
): T | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "string" && (choices as readonly string[]).includes(value))
    return value as T;
  error("invalidOptionValue", key, [
    key,
    describe(value),
    `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`,
  ]);
  return undefined;
}

function readCount(options: Options, key: string, error: OptionReporter): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "number" && value < 0) {
    error("negativeNumber", key, [key, String(value)]);
    return undefined;
  }
  if (typeof value === "number" && Number.isInteger(value)) return value;
  error("invalidOptionValue", key, [key, describe(value), "a whole number 0 or more (0 = no cap)"]);
  return undefined;
}

function readDuration(
  options: Options,
  key: string,
  positive: boolean,
  error: OptionReporter,
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "number" && value < 0) {
    error("negativeNumber", key, [key, String(value)]);
    return undefined;
  }
  if (typeof value !== "number" && typeof value !== "string") {
    error("invalidDuration", key, [
      key,
      `${describe(value)} is not a duration; use milliseconds (1500) or a string like "1.5s"`,
    ]);
    return undefined;
  }
  const parsed = tryParseDuration(value);
  if (!parsed.ok) {
    error("invalidDuration", key, [key, parsed.error]);
    return undefined;
  }
  if (positive && parsed.ms === 0) {
    error("invalidDuration", key, [
      key,
      "an interval of 0 would run without pause; use a positive duration",
    ]);
    return undefined;
  }
  return parsed.ms;
}

function readResilience(options: Options, error: OptionReporter): string | ResiliencePolicy | null {
  const value = options["resilience"];
  if (value === undefined) return null;
  if (value instanceof PolicyValue) return value.policy;
  if (typeof value === "string" && value.trim() !== "") return value;
  error("invalidOptionValue", "resilience", [
    "resilience",
    describe(value),
    'the name of a declared policy ("email-retry") or a resiliencePolicy("name", { ... }) call',
  ]);
  return null;
}

function describe(value: ConstantValue): string {
  if (value instanceof PolicyValue) return `policy "${value.policy.name}"`;
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

/** A parser message as one capitalised sentence ending in a single period. */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.+$/, "");
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}
