export { ScheduledJob, type ScheduledJobDecorator } from "./authoring/scheduled-job.js";
export type { ScheduledJobOptions, OverlapPolicy, MisfirePolicy, Placement } from "./authoring/scheduled-job-options.js";
export type { IScheduledJob, ScheduledJobContext } from "./authoring/scheduled-job-context.js";
export {
  resiliencePolicy,
  type ResiliencePolicy,
  type ResiliencePolicyOptions,
  type BackoffKind,
} from "./authoring/resilience-policy.js";
export { NonRetryableError, RegistryNotGeneratedError } from "./authoring/errors.js";
export type { Duration } from "./policy/duration.js";
export type { JobDescriptor, ScheduleSpec, PayloadValidator } from "./registry/job-descriptor.js";
export {
  defineJobRegistry,
  defineJobDescriptors,
  type JobRegistry,
  type JobDescriptorSet,
  type JobDefinition,
  type JobInvoker,
  type JobClass,
  type ServiceLookup,
} from "./registry/job-registry.js";
export { registryNotGenerated } from "./registry/registry-stub.js";
