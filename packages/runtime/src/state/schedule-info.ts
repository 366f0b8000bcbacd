import type { Duration } from "../policy/duration.js";
import type { MisfirePolicy } from "../policy/misfire.js";
import type { OutcomeInfo } from "./run-info.js";

/** How runs of a user-defined schedule treat a previous run that is still active. */
export type ScheduleOverlapPolicy = "skip" | "queue" | "allow-concurrent";

/**
 * A schedule defined at run time with `upsertSchedule`: exactly one of `cron`, `fixedRate`,
 * `fixedDelay`. Validated at the call with the same policy code the generator uses.
 */
export interface ScheduleDefinition {
  /** 5 fields (min hour dom mon dow) or 6 (seconds first). */
  cron?: string;
  /** IANA id; cron only; default `"UTC"`. */
  timeZone?: string;
  fixedRate?: Duration;
  fixedDelay?: Duration;
  /** Grid schedules; default `"fire-once"`. */
  misfire?: MisfirePolicy;
  /** Default `"skip"`. */
  overlap?: ScheduleOverlapPolicy;
  /** Default `true`; a disabled schedule records its slots `skipped` / `"disabled"`. */
  enabled?: boolean;
}

/** A user-defined schedule as `listSchedules`/`upsertSchedule` report it. */
export interface ScheduleInfo {
  scheduleKey: string;
  jobName: string;
  payload: unknown;
  cron: string | null;
  timeZone: string | null;
  /** Milliseconds. */
  fixedRate: number | null;
  /** Milliseconds. */
  fixedDelay: number | null;
  nextDueTime: Date | null;
  lastOutcome: OutcomeInfo | null;
  /** The schedule's job name is paused (`pauseJob`). */
  paused: boolean;
  enabled: boolean;
}
