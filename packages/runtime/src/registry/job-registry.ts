import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { ScheduledJobContext } from "../authoring/scheduled-job-context.js";
import type { JobDescriptor } from "./job-descriptor.js";

/**
 * The constructor dependencies a delegate reads, one property per key (the dependency's type name
 * as written). Delegates read it with a string-literal property access, which stays a monomorphic
 * load on the caller's object rather than a call through a shared lookup function.
 */
export type ServiceTable = { readonly [key: string]: unknown };

/**
 * The generated direct-invocation delegate: constructs the job from `services` and calls it,
 * returning its result unwrapped.
 *
 * @example
 * ```ts
 * const invoke: JobInvoker = (services, payload, context) =>
 *   new SendEmailJob(services["EmailSender"] as EmailSender).execute(payload as SendEmailPayload, context);
 * ```
 */
export type JobInvoker = (
  services: ServiceTable,
  payload: unknown,
  context: ScheduledJobContext,
) => Promise<void> | void;

/** A class constructor, as passed to `schedule`/`enqueue`. */
// biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
export type JobClass<J = unknown> = abstract new (...args: any[]) => J;

/** A job the runtime can run: its descriptor, its class (class jobs) and its delegate. */
export interface JobDefinition {
  readonly descriptor: JobDescriptor;
  /** The decorated class; `null` for method jobs. Used to map `schedule(SendEmailJob, ...)` to the job. */
  readonly jobClass: JobClass | null;
  readonly invoke: JobInvoker;
}

/**
 * The descriptors of one package's jobs and its resilience policies, without any delegate: what
 * `jobs.generated.descriptors.ts` exports for processes that only enqueue.
 *
 * `TPayloads` maps each runtime-schedulable job name to its payload type; `TPolicyNames` is the
 * union of its resilience policy names.
 */
export interface JobDescriptorSet<
  TPayloads = Record<string, unknown>,
  TPolicyNames extends string = string,
> {
  readonly kind: "elarion.descriptors";
  readonly descriptors: readonly JobDescriptor[];
  readonly policies: readonly ResiliencePolicy[];
  /** Type-only: never set at run time. */
  readonly __payloads?: TPayloads;
  /** Type-only: never set at run time. */
  readonly __policyNames?: TPolicyNames;
}

/**
 * The generated registry of one package: what `createScheduler({ registry })` consumes.
 *
 * - `TServices`: the `JobServices` type, one key per constructor dependency;
 * - `TJobClass`: the union of the package's schedulable job classes, so an unknown class is a type error;
 * - `TPayloads`: job name → payload type, for scheduling by name;
 * - `TPolicyNames`: the union of the package's resilience policy names, so `schedule(..., { resilience })`
 *   rejects a misspelt name.
 */
export interface JobRegistry<
  TServices = Record<string, unknown>,
  TJobClass = JobClass,
  TPayloads = Record<string, unknown>,
  TPolicyNames extends string = string,
> {
  readonly kind: "elarion.registry";
  readonly jobs: readonly JobDefinition[];
  readonly policies: readonly ResiliencePolicy[];
  /** Type-only: never set at run time. */
  readonly __types?: {
    readonly services: TServices;
    readonly jobClass: TJobClass;
    readonly payloads: TPayloads;
    readonly policyNames?: TPolicyNames;
  };
}

/**
 * Builds a registry from generated parts. Called only by generated code.
 *
 * @example
 * ```ts
 * export const jobRegistry: JobRegistry<JobServices, JobClasses, JobPayloads, JobPolicyNames> = defineJobRegistry(jobs, policies);
 * ```
 */
export function defineJobRegistry<
  TServices,
  TJobClass,
  TPayloads,
  TPolicyNames extends string = string,
>(
  jobs: readonly JobDefinition[],
  policies: readonly ResiliencePolicy[],
): JobRegistry<TServices, TJobClass, TPayloads, TPolicyNames> {
  return Object.freeze({
    kind: "elarion.registry",
    jobs: Object.freeze([...jobs]),
    policies: Object.freeze([...policies]),
  });
}

/**
 * Builds a descriptor set from generated parts. Called only by generated code.
 */
export function defineJobDescriptors<TPayloads, TPolicyNames extends string = string>(
  descriptors: readonly JobDescriptor[],
  policies: readonly ResiliencePolicy[],
): JobDescriptorSet<TPayloads, TPolicyNames> {
  return Object.freeze({
    kind: "elarion.descriptors",
    descriptors: Object.freeze([...descriptors]),
    policies: Object.freeze([...policies]),
  });
}
