// What a job's schedule options are once their configuration placeholders are resolved, validated
// with the same parsers (and messages) the generator uses for literal options.

import { cronNeverFiresReason, tryParseCron } from "./cron.js";
import { tryParseDuration } from "./duration.js";
import {
  parsePlaceholder,
  PLACEHOLDER_OPTIONS,
  resolvePlaceholder,
  type ConfigurationVariables,
  type PlaceholderOption,
} from "./placeholder.js";
import type { ScheduleSpec } from "./schedule-spec.js";
import { isValidTimeZone } from "./time-zone.js";

/** The options placeholders may replace: the job's schedule and whether it is enabled. */
export interface ConfiguredSchedule {
  /** `null`: no recurring schedule (no placeholder-free one, or cron `"-"`). */
  readonly schedule: ScheduleSpec | null;
  readonly enabled: boolean;
}

/** One option whose placeholder cannot be used, and why. */
export interface PlaceholderProblem {
  readonly option: PlaceholderOption;
  /** The variable read, or `null` when the placeholder itself is malformed. */
  readonly key: string | null;
  /** The value read (or the default used), or `null` when there was none. */
  readonly value: string | null;
  /** What is wrong, in the parser's words (e.g. `Invalid cron expression "0 3 * *": it has 4 field(s); ...`). */
  readonly message: string;
}

/** The outcome of {@link resolveConfiguredSchedule}. */
export type ConfiguredScheduleResolution =
  | { readonly ok: true; readonly options: ConfiguredSchedule }
  | { readonly ok: false; readonly problems: readonly PlaceholderProblem[] };

/** The placeholders of one job, verbatim, by option (`JobDescriptor.placeholders`). */
export type PlaceholderTexts = Readonly<Partial<Record<PlaceholderOption, string>>>;

/**
 * The schedule options of a `@ScheduledJob` exactly as written (placeholders verbatim, durations
 * as the string or number written): `JobDescriptor.scheduleOptions`, printed next to placeholders.
 */
export interface WrittenScheduleOptions {
  readonly cron?: string;
  readonly timeZone?: string;
  readonly fixedRate?: string | number;
  readonly fixedDelay?: string | number;
  readonly initialDelay?: string | number;
  readonly runOnStart?: boolean;
}

/** The malformed placeholders and options that may not be placeholders; empty when there are none. */
export function placeholderSyntaxProblems(placeholders: PlaceholderTexts): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  for (const [option, text] of Object.entries(placeholders)) {
    if (text === undefined) continue;
    if (!(PLACEHOLDER_OPTIONS as readonly string[]).includes(option)) {
      problems.push({
        option: option as PlaceholderOption,
        key: null,
        value: null,
        message: `option ${option} cannot be a placeholder; placeholders are allowed in ${PLACEHOLDER_OPTIONS.join(", ")}`,
      });
      continue;
    }
    const parsed = typeof text === "string" ? parsePlaceholder(text) : null;
    if (parsed === null || parsed.kind !== "placeholder") {
      const message =
        parsed?.kind === "malformed"
          ? parsed.error
          : `option ${option} is ${JSON.stringify(text)}, which is not a placeholder`;
      problems.push({ option: option as PlaceholderOption, key: null, value: null, message });
    }
  }
  return problems;
}

/**
 * Resolves `placeholders` against `variables` on top of the options the generator printed (`base`:
 * the descriptor's `schedule` and `enabled`, which hold the literal parts and the defaults; and
 * `written`, the descriptor's `scheduleOptions`, for the literal `timeZone` and `runOnStart` of a
 * schedule that `base` cannot hold because its placeholder has no default) and validates the result. A cron value of `"-"` means "no schedule"; a duration variable that holds
 * only digits is milliseconds; `enabled` is `true` or `false` in any case. `nowMs` dates the
 * "never fires" check of a cron expression.
 *
 * @example
 * ```ts
 * const resolved = resolveConfiguredSchedule(
 *   { schedule: { kind: "cron", expression: "0 3 * * *", timeZone: "UTC" }, enabled: true },
 *   { cron: "${REPORT_CRON:-0 3 * * *}" },
 *   { get: (key) => (key === "REPORT_CRON" ? "30 4 * * *" : undefined) },
 *   Date.now(),
 * );
 * // { ok: true, options: { schedule: { kind: "cron", expression: "30 4 * * *", timeZone: "UTC" }, enabled: true } }
 * ```
 */
export function resolveConfiguredSchedule(
  base: ConfiguredSchedule,
  placeholders: PlaceholderTexts,
  variables: Pick<ConfigurationVariables, "get">,
  nowMs: number,
  written: WrittenScheduleOptions | null = null,
): ConfiguredScheduleResolution {
  const problems = placeholderSyntaxProblems(placeholders);
  if (problems.length > 0) return { ok: false, problems };
  const values = new Map<PlaceholderOption, { key: string; value: string }>();
  for (const option of PLACEHOLDER_OPTIONS) {
    const text = placeholders[option];
    if (text === undefined) continue;
    const parsed = parsePlaceholder(text);
    if (parsed.kind !== "placeholder") continue; // reported above
    const resolved = resolvePlaceholder(parsed.placeholder, variables);
    if (resolved.ok) values.set(option, { key: parsed.placeholder.key, value: resolved.value });
    else
      problems.push({ option, key: parsed.placeholder.key, value: null, message: resolved.error });
  }
  if (problems.length > 0) return { ok: false, problems };

  const problem = (option: PlaceholderOption, message: string): null => {
    const read = values.get(option);
    problems.push({ option, key: read?.key ?? null, value: read?.value ?? null, message });
    return null;
  };
  const duration = (
    option: "fixedRate" | "fixedDelay" | "initialDelay",
    positive: boolean,
  ): number | null | undefined => {
    const read = values.get(option);
    if (read === undefined) return undefined;
    const text = read.value.trim();
    const parsed = tryParseDuration(/^\d+$/.test(text) ? Number(text) : text);
    if (!parsed.ok) return problem(option, `Invalid ${option}: ${parsed.error}.`);
    if (positive && parsed.ms === 0)
      return problem(
        option,
        `Invalid ${option}: an interval of 0 would run without pause; use a positive duration.`,
      );
    return parsed.ms;
  };

  let enabled = base.enabled;
  const enabledRead = values.get("enabled");
  if (enabledRead !== undefined) {
    const text = enabledRead.value.trim().toLowerCase();
    if (text === "true" || text === "false") enabled = text === "true";
    else
      problem(
        "enabled",
        `Invalid value for option enabled: ${JSON.stringify(enabledRead.value)}. Expected true or false.`,
      );
  }

  const schedule = resolveSchedule(base.schedule, values, duration, problem, nowMs, written);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, options: { schedule, enabled } };
}

type DurationReader = (
  option: "fixedRate" | "fixedDelay" | "initialDelay",
  positive: boolean,
) => number | null | undefined;
type ProblemReporter = (option: PlaceholderOption, message: string) => null;

function resolveSchedule(
  base: ScheduleSpec | null,
  values: ReadonlyMap<PlaceholderOption, { key: string; value: string }>,
  duration: DurationReader,
  problem: ProblemReporter,
  nowMs: number,
  written: WrittenScheduleOptions | null,
): ScheduleSpec | null {
  // Which schedule the job has: a placeholder names it even when the generator printed none (a
  // placeholder without a default leaves `base` null, or with only its literal initialDelay).
  const kind = values.has("cron")
    ? "cron"
    : values.has("fixedRate")
      ? "fixed-rate"
      : values.has("fixedDelay")
        ? "fixed-delay"
        : (base?.kind ?? (values.has("initialDelay") ? "once" : null));
  const initialDelay = duration("initialDelay", false);
  const baseInitialDelay =
    base === null
      ? null
      : base.kind === "once"
        ? base.delayMs
        : base.kind === "cron"
          ? null
          : base.initialDelayMs;
  const runOnStart =
    base !== null && (base.kind === "fixed-rate" || base.kind === "fixed-delay")
      ? base.runOnStart
      : (written?.runOnStart ?? true);
  // A literal time zone next to a cron placeholder without a default: `base` is null then.
  const writtenTimeZone =
    written?.timeZone !== undefined && parsePlaceholder(written.timeZone).kind === "literal"
      ? written.timeZone
      : null;
  switch (kind) {
    case null:
      return null;
    case "cron": {
      const expression =
        values.get("cron")?.value ?? (base?.kind === "cron" ? base.expression : "");
      const timeZone =
        values.get("timeZone")?.value ??
        (base?.kind === "cron" ? base.timeZone : (writtenTimeZone ?? "UTC"));
      const zoneIsValid = isValidTimeZone(timeZone);
      if (!zoneIsValid) {
        problem(
          "timeZone",
          `Unknown time zone ${JSON.stringify(timeZone)}; use an IANA time-zone id such as "UTC", "Europe/Vienna" or "America/New_York".`,
        );
      }
      if (expression.trim() === "-") return null;
      const parsed = tryParseCron(expression);
      if (!parsed.ok) return problem("cron", parsed.error);
      const neverFires = zoneIsValid ? cronNeverFiresReason(parsed.cron, timeZone, nowMs) : null;
      if (neverFires !== null) return problem("cron", neverFires);
      return { kind: "cron", expression, timeZone };
    }
    case "fixed-rate":
    case "fixed-delay": {
      const option = kind === "fixed-rate" ? "fixedRate" : "fixedDelay";
      const resolved = duration(option, true);
      if (resolved === null || initialDelay === null) return null;
      const intervalMs =
        resolved ??
        (base?.kind === "fixed-rate"
          ? base.intervalMs
          : base?.kind === "fixed-delay"
            ? base.delayMs
            : 0);
      const initialDelayMs = initialDelay ?? baseInitialDelay;
      return kind === "fixed-rate"
        ? { kind, intervalMs, initialDelayMs, runOnStart }
        : { kind, delayMs: intervalMs, initialDelayMs, runOnStart };
    }
    case "once": {
      if (initialDelay === null) return null;
      return { kind: "once", delayMs: initialDelay ?? baseInitialDelay ?? 0 };
    }
  }
}
