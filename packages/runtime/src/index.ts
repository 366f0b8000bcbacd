export { ScheduledJob, type ScheduledJobDecorator } from "./authoring/scheduled-job.js";
export type {
  ScheduledJobOptions,
  OverlapPolicy,
  MisfirePolicy,
  Placement,
  ConfigurationPlaceholder,
} from "./authoring/scheduled-job-options.js";
export type { ConfigurationVariables } from "./policy/placeholder.js";
export type { IScheduledJob, ScheduledJobContext } from "./authoring/scheduled-job-context.js";
export {
  resiliencePolicy,
  type ResiliencePolicy,
  type ResiliencePolicyOptions,
  type BackoffKind,
} from "./authoring/resilience-policy.js";
export { NonRetryableError, RegistryNotGeneratedError } from "./authoring/errors.js";
export type { Duration } from "./policy/duration.js";
export type {
  JobDescriptor,
  ScheduleSpec,
  PayloadValidator,
  PayloadCodec,
  PlaceholderOption,
  WrittenScheduleOptions,
} from "./registry/job-descriptor.js";
export {
  defineJobRegistry,
  defineJobDescriptors,
  type JobRegistry,
  type JobDescriptorSet,
  type JobDefinition,
  type JobInvoker,
  type JobClass,
  type ServiceTable,
} from "./registry/job-registry.js";
export { registryNotGenerated } from "./registry/registry-stub.js";
export { isPayloadDate, encodePayloadDate, decodePayloadDate } from "./registry/payload-dates.js";
export { createScheduler } from "./scheduler/create-scheduler.js";
export type {
  JobScheduler,
  ScheduleOptions,
  StopOptions,
  RetryJobOptions,
  ScheduleManyItem,
  ScheduleManyItemOf,
  JobRunHandle,
  ServiceResolver,
  PayloadOf,
  PayloadOfClass,
  PayloadFor,
} from "./scheduler/job-scheduler.js";
export type {
  CreateSchedulerOptions,
  CreateSchedulerArgument,
  SchedulerTuning,
  ServicesOf,
  JobClassesOf,
  JobPayloadsOf,
  PolicyNamesOf,
} from "./scheduler/scheduler-options.js";
export type { RegistryInput } from "./scheduler/job-catalog.js";
export {
  systemClock,
  SystemClock,
  nodeTimeSource,
  SYSTEM_CLOCK_RECHECK_MS,
  type Clock,
  type ClockTimer,
  type TimeSource,
} from "./core/clock.js";
export { MIN_DUE_TIME_MS, MAX_DUE_TIME_MS } from "./core/storable-value.js";
export { consoleLogger, type Logger } from "./core/logger.js";
export { RUNTIME_ERRORS, type RuntimeErrorCode, type CodedError } from "./core/runtime-errors.js";
export type { JobStatus, JobState } from "./state/job-state.js";
export type { RunInfo, OutcomeInfo, AbandonedRunInfo } from "./state/run-info.js";
export type { ListJobsQuery, JobPage, CountJobsQuery, JobCounts } from "./state/job-query.js";
export type { JobPosition } from "./state/job-cursor.js";
export type {
  ScheduleDefinition,
  ScheduleInfo,
  ScheduleOverlapPolicy,
} from "./state/schedule-info.js";
export type { SchedulerSnapshot, JobSnapshot } from "./state/scheduler-snapshot.js";
export { OutcomeMessage } from "./state/vocabulary.js";
export { memoryStore } from "./stores/memory/memory-store.js";
export type {
  JobStore,
  StoreHost,
  MaybePromise,
  ResilienceMode,
  NewRuntimeJob,
  InsertOptions,
  JobListing,
  JobRetryRequest,
  ClaimedRun,
  RunCompletion,
  RetryRequest,
  RunTicket,
  CancelResult,
} from "./stores/job-store.js";
