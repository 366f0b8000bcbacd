// Pure, store-free policy functions shared with the generator (which validates with the same code).
export {
  tryParseDuration,
  parseDuration,
  type Duration,
  type DurationParseResult,
} from "./duration.js";
export {
  parseCron,
  tryParseCron,
  cronNeverFiresReason,
  type CronExpression,
  type CronParseResult,
} from "./cron.js";
export { isValidTimeZone, assertValidTimeZone, zoneOffsetMs } from "./time-zone.js";
export { createRecurrence, type Recurrence } from "./recurrence.js";
export { planMisfire, type MisfirePlan } from "./misfire.js";
export { retryDelayMs, MAX_RETRY_DELAY_MS } from "./backoff.js";
export {
  readScheduleRule,
  scheduleSpecOf,
  sameRecurrence,
  sameRule,
  type ScheduleRule,
  type ScheduleRuleOverlap,
  type ScheduleRuleResult,
} from "./schedule-rule.js";
export {
  parsePlaceholder,
  resolvePlaceholder,
  PLACEHOLDER_OPTIONS,
  type Placeholder,
  type PlaceholderOption,
  type PlaceholderParseResult,
  type PlaceholderValue,
  type ConfigurationVariables,
} from "./placeholder.js";
export {
  resolveConfiguredSchedule,
  placeholderSyntaxProblems,
  type ConfiguredSchedule,
  type ConfiguredScheduleResolution,
  type PlaceholderProblem,
  type PlaceholderTexts,
  type WrittenScheduleOptions,
} from "./placeholder-options.js";
