import type { MisfirePolicy, OverlapPolicy, Placement, ResiliencePolicy, ScheduleSpec } from "@elarion/runtime";
import { cronNeverFiresReason, isValidTimeZone, tryParseCron, tryParseDuration } from "@elarion/runtime/policy";
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
}

/** Reports a problem with one option (`key`), or with the options as a whole (`null`). */
export type OptionReporter = (kind: DiagnosticKind, key: string | null, args: readonly string[]) => void;

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

const OVERLAP: readonly OverlapPolicy[] = ["skip", "queue", "allow-concurrent"];
const MISFIRE: readonly MisfirePolicy[] = ["fire-once", "skip", "catch-up"];
const PLACEMENT: readonly Placement[] = ["cluster", "every-node"];

/**
 * Validates evaluated `ScheduledJobOptions` with the runtime's own parsers (cron, time zone,
 * duration) and normalises them. Returns `null` when anything was reported as an error.
 */
export function readJobOptions(options: ConstantValue, isMethodJob: boolean, report: OptionReporter): JobOptionsModel | null {
  let failed = false;
  const error: OptionReporter = (kind, key, args) => {
    failed = true;
    report(kind, key, args);
  };
  if (options === undefined) options = {};
  if (!isPlainObject(options)) {
    error("invalidOptionValue", null, ["options", describe(options), "an object literal such as { cron: \"0 3 * * *\" }"]);
    return null;
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) error("unknownOption", key, [key, KNOWN_OPTIONS.join(", ")]);
  }
  const present = (key: (typeof KNOWN_OPTIONS)[number]): boolean => options[key] !== undefined;

  const cron = readString(options, "cron", error);
  const timeZone = readString(options, "timeZone", error);
  const fixedRate = readDuration(options, "fixedRate", true, error);
  const fixedDelay = readDuration(options, "fixedDelay", true, error);
  const initialDelay = readDuration(options, "initialDelay", false, error);
  const runOnStart = readBoolean(options, "runOnStart", error);
  const overlap = readChoice(options, "overlap", OVERLAP, error);
  const misfire = readChoice(options, "misfire", MISFIRE, error);
  const placement = readChoice(options, "placement", PLACEMENT, error);
  const enabled = readBoolean(options, "enabled", error);
  const group = readString(options, "group", error);
  if (group === "") error("invalidOptionValue", "group", ["group", '""', "a non-empty group name"]);

  if (cron !== undefined) {
    const parsed = tryParseCron(cron);
    if (!parsed.ok) error("invalidCron", "cron", [cron, sentence(parsed.error)]);
    else {
      // The runtime's own answer, in the job's zone: nextAfter returns null exactly when this is a reason.
      const neverFires = cronNeverFiresReason(parsed.cron, timeZone !== undefined && isValidTimeZone(timeZone) ? timeZone : "UTC");
      if (neverFires !== null) error("cronNeverFires", "cron", [cron, sentence(neverFires)]);
    }
  }
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) error("invalidTimeZone", "timeZone", [timeZone]);

  const schedules = (["cron", "fixedRate", "fixedDelay"] as const).filter(present);
  if (schedules.length > 1) {
    error("conflictingScheduleOptions", schedules[1]!, [`a job has one schedule, but ${schedules.join(" and ")} are both set; keep one`]);
  }
  if (present("cron") && present("initialDelay")) {
    error("conflictingScheduleOptions", "initialDelay", ["initialDelay applies to fixedRate/fixedDelay jobs, not to cron; remove it or use a fixed interval"]);
  }
  if (present("cron") && present("runOnStart")) {
    error("conflictingScheduleOptions", "runOnStart", ["runOnStart applies to fixedRate/fixedDelay jobs, not to cron; remove it"]);
  }
  if (present("timeZone") && !present("cron")) {
    error("conflictingScheduleOptions", "timeZone", ["timeZone applies to cron schedules only; add a cron expression or remove timeZone"]);
  }
  if (present("runOnStart") && !present("cron") && !present("fixedRate") && !present("fixedDelay")) {
    error("conflictingScheduleOptions", "runOnStart", ["runOnStart applies to fixedRate/fixedDelay jobs only; add an interval or remove runOnStart"]);
  }
  const maxConcurrentRuns = readCount(options, "maxConcurrentRuns", error);
  if (maxConcurrentRuns !== undefined && overlap !== "allow-concurrent") {
    error("conflictingScheduleOptions", "maxConcurrentRuns", ['maxConcurrentRuns applies only with overlap: "allow-concurrent"; set that overlap or remove maxConcurrentRuns']);
  }
  if (isMethodJob && schedules.length === 0 && !present("initialDelay")) {
    error("conflictingScheduleOptions", null, ["a method job is recurring and needs a schedule: set cron, fixedRate, fixedDelay or initialDelay"]);
  }
  const resilience = readResilience(options, error);
  if (failed) return null;

  let schedule: ScheduleSpec | null = null;
  if (cron !== undefined) schedule = { kind: "cron", expression: cron, timeZone: timeZone ?? "UTC" };
  else if (fixedRate !== undefined) schedule = { kind: "fixed-rate", intervalMs: fixedRate, initialDelayMs: initialDelay ?? null, runOnStart: runOnStart ?? true };
  else if (fixedDelay !== undefined) schedule = { kind: "fixed-delay", delayMs: fixedDelay, initialDelayMs: initialDelay ?? null, runOnStart: runOnStart ?? true };
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
  };
}

type Options = { readonly [key: string]: ConstantValue };

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

function readChoice<T extends string>(options: Options, key: string, choices: readonly T[], error: OptionReporter): T | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  error("invalidOptionValue", key, [key, describe(value), `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`]);
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

function readDuration(options: Options, key: string, positive: boolean, error: OptionReporter): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value === "number" && value < 0) {
    error("negativeNumber", key, [key, String(value)]);
    return undefined;
  }
  if (typeof value !== "number" && typeof value !== "string") {
    error("invalidDuration", key, [key, `${describe(value)} is not a duration; use milliseconds (1500) or a string like "1.5s"`]);
    return undefined;
  }
  const parsed = tryParseDuration(value);
  if (!parsed.ok) {
    error("invalidDuration", key, [key, parsed.error]);
    return undefined;
  }
  if (positive && parsed.ms === 0) {
    error("invalidDuration", key, [key, "an interval of 0 would run without pause; use a positive duration"]);
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
