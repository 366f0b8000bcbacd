import type { Duration } from "../policy/duration.js";
import type { MisfirePolicy } from "../policy/misfire.js";
import type { ResiliencePolicy } from "./resilience-policy.js";

export type { MisfirePolicy } from "../policy/misfire.js";

/** What happens when an occurrence is due while the same job is still running. Default `"skip"`. */
export type OverlapPolicy = "skip" | "queue" | "allow-concurrent";
/** Whether a recurring occurrence runs once per cluster (`"cluster"`, default) or on every process. */
export type Placement = "cluster" | "every-node";

/**
 * A configuration placeholder, the whole value of `cron`, `timeZone`, `fixedRate`, `fixedDelay`,
 * `initialDelay` or `enabled`: `"${KEY}"`, or `"${KEY:-default}"` (the default applies when the
 * variable is unset or empty). The scheduler reads `KEY` from its `variables` (default
 * `process.env`) at start and again whenever they report a change.
 *
 * @example
 * ```ts
 * @ScheduledJob("reports.nightly", { cron: "${REPORT_CRON:-0 3 * * *}", enabled: "${REPORTS_ENABLED:-true}" })
 * ```
 */
export type ConfigurationPlaceholder = `\${${string}}`;

/**
 * Options of {@link ScheduledJob}. The generator reads them at build time (literals and `const`s
 * only), validates them and prints them into the registry; the decorator itself does nothing at
 * run time.
 *
 * @example
 * ```ts
 * @ScheduledJob("reports.nightly", { cron: "0 3 * * *", timeZone: "Europe/Vienna", overlap: "queue" })
 * export class NightlyReportJob implements IScheduledJob<void> { ... }
 * ```
 */
export interface ScheduledJobOptions {
  /** 5 fields (min hour dom mon dow) or 6 (seconds first), or a {@link ConfigurationPlaceholder}; `"-"` from a variable means no schedule. */
  cron?: string;
  /** IANA time zone id the cron expression is evaluated in. Cron only; default `"UTC"`. May be a placeholder. */
  timeZone?: string;
  /** Grid-anchored interval: run duration does not shift the grid. */
  fixedRate?: Duration;
  /** Next due time = completion + delay. */
  fixedDelay?: Duration;
  /** Delay before the first interval run; alone, a one-time job per process start. */
  initialDelay?: Duration;
  /** Interval jobs: run at start (default `true`) or one interval later. */
  runOnStart?: boolean;
  overlap?: OverlapPolicy;
  /** With `overlap: "allow-concurrent"`: at most this many runs at once; 0 = no cap. */
  maxConcurrentRuns?: number;
  /** Serialises different jobs that share the group name. */
  group?: string;
  misfire?: MisfirePolicy;
  /** An inline policy, or the name of an exported {@link resiliencePolicy}. */
  resilience?: ResiliencePolicy | string;
  /** `false` records every occurrence as skipped with message `"disabled"`. Default `true`. May be a placeholder (`"true"`/`"false"`). */
  enabled?: boolean | ConfigurationPlaceholder;
  placement?: Placement;
}
