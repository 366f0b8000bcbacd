import type { Duration } from "../policy/duration.js";
import type { ResiliencePolicy } from "./resilience-policy.js";

/** What happens when an occurrence is due while the same job is still running. Default `"skip"`. */
export type OverlapPolicy = "skip" | "queue" | "allow-concurrent";
/** What a grid schedule (cron, fixed rate) does when it is a whole slot or more late. Default `"fire-once"`. */
export type MisfirePolicy = "fire-once" | "skip" | "catch-up";
/** Whether a recurring occurrence runs once per cluster (`"cluster"`, default) or on every process. */
export type Placement = "cluster" | "every-node";

/**
 * A configuration placeholder: `"${KEY}"` or `"${KEY:-default}"` as the whole value of `cron`,
 * `timeZone`, `fixedRate`, `fixedDelay`, `initialDelay` or `enabled`. The scheduler resolves it
 * against its `variables` (default `process.env`); the generator checks the syntax and the
 * literal default with the same parsers as a literal value.
 */
export type ConfigurationPlaceholder = `\${${string}}`;

/**
 * Options of {@link ScheduledJob}. The generator reads them at build time (literals and `const`s
 * only), validates them and prints them into the registry; the decorator itself does nothing at
 * run time. `cron`, `timeZone`, `fixedRate`, `fixedDelay`, `initialDelay` and `enabled` may be a
 * {@link ConfigurationPlaceholder} instead.
 *
 * @example
 * ```ts
 * @ScheduledJob("reports.nightly", { cron: "${REPORT_CRON:-0 3 * * *}", timeZone: "Europe/Vienna", overlap: "queue" })
 * export class NightlyReportJob implements IScheduledJob<void> { ... }
 * ```
 */
export interface ScheduledJobOptions {
  /** 5 fields (min hour dom mon dow) or 6 (seconds first); as a placeholder, `"-"` turns the schedule off. */
  cron?: string | ConfigurationPlaceholder;
  /** IANA time zone id the cron expression is evaluated in. Cron only; default `"UTC"`. */
  timeZone?: string | ConfigurationPlaceholder;
  /** Grid-anchored interval: run duration does not shift the grid. */
  fixedRate?: Duration | ConfigurationPlaceholder;
  /** Next due time = completion + delay. */
  fixedDelay?: Duration | ConfigurationPlaceholder;
  /** Delay before the first interval run; alone, a one-time job per process start. */
  initialDelay?: Duration | ConfigurationPlaceholder;
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
  /** `false` records every occurrence as skipped with message `"disabled"`. Default `true`. */
  enabled?: boolean | ConfigurationPlaceholder;
  placement?: Placement;
}
