import { availableParallelism } from "node:os";
import type { JobDescriptorSet, JobRegistry } from "../registry/job-registry.js";
import type { OutcomeInfo } from "../state/run-info.js";
import type { JobStore } from "../stores/job-store.js";
import type { Clock } from "../core/clock.js";
import type { TelemetryOptions } from "../telemetry/telemetry-options.js";
import type { RegistryInput } from "./job-catalog.js";
import type { ServiceResolver } from "./job-scheduler.js";
import { resolveLogger, type Logger } from "../core/logger.js";
import { coded } from "../core/runtime-errors.js";
import type { ConfigurationVariables } from "../policy/placeholder.js";
import { processEnvironment } from "./live-configuration.js";

type Element<R> = R extends readonly (infer E)[] ? E : R;
type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;
// biome-ignore-start lint/suspicious/noExplicitAny: type-level wildcards; `unknown` would reject valid classes and registries through variance
type ServicesOfOne<E> = E extends JobRegistry<infer S, any, any> ? S : unknown;
type ClassesOfOne<E> = E extends JobRegistry<any, infer C, any> ? C : never;
type PayloadsOfOne<E> =
  E extends JobRegistry<any, any, infer P> ? P : E extends JobDescriptorSet<infer P> ? P : never;
type PolicyNamesOfOne<E> =
  E extends JobRegistry<any, any, any, infer N>
    ? N
    : E extends JobDescriptorSet<any, infer N>
      ? N
      : never;
// biome-ignore-end lint/suspicious/noExplicitAny: end of the wildcards

/** The services all registries need together (`JobServices` of each, intersected). */
export type ServicesOf<R> = UnionToIntersection<ServicesOfOne<Element<R>>>;
/** The union of the registries' job classes. */
export type JobClassesOf<R> = ClassesOfOne<Element<R>>;
/** Job name → payload type, over all registries. */
export type JobPayloadsOf<R> = UnionToIntersection<PayloadsOfOne<Element<R>>>;
/** The union of the registries' resilience policy names (`string` for registries that do not list them). */
export type PolicyNamesOf<R> = PolicyNamesOfOne<Element<R>>;

/** Options of `createScheduler` other than `registry`/`services`. */
export interface SchedulerTuning {
  /** Default `memoryStore()`. */
  store?: JobStore;
  /** Default the system clock; `ManualClock` in tests. */
  clock?: Clock;
  /** Runs executing at once in this process, after the overlap and group gates. Default `os.availableParallelism()`. */
  maxConcurrentExecutions?: number;
  /** Terminal runtime job states kept for `getJob`, oldest dropped first. Default 1024. */
  maxRetainedCompletedJobs?: number;
  /** Extra missed slots a `catch-up` schedule replays after a pause. Default 32. */
  maxMisfireCatchUpRuns?: number;
  /**
   * Receives job failures and store errors, each line with its fields (`jobName`, `jobId`, `runId`,
   * and `traceId` when the run has a span). Any logger with `debug/info/warn/error(message, fields)`
   * fits; a pino logger is recognised and called `(fields, message)`, its own order. Default:
   * warnings and errors to the console.
   */
  logger?: Partial<Logger>;
  /**
   * OpenTelemetry spans and metrics (docs/telemetry.md). Default: the global providers of
   * `@opentelemetry/api` when it is installed, nothing when it is not; `false` turns it off.
   */
  telemetry?: false | TelemetryOptions;
  /** Called with every outcome this process records (runs it dispatched and recurring slots). */
  onRunOutcome?: (outcome: OutcomeInfo) => void;
  /**
   * Where configuration placeholders (`"${KEY}"`, `"${KEY:-default}"` in `@ScheduledJob` options)
   * read their values. Default: `process.env`, read at start. With `subscribe`, a changed value
   * re-plans the job's schedule while the scheduler runs (docs/semantics.md, "Configuration
   * placeholders").
   */
  variables?: ConfigurationVariables;
}

/**
 * Options of `createScheduler`. `services` is typed from the registry's `JobServices` (a missing
 * service is a type error) or is a resolver; an enqueue-only scheduler (descriptor sets) needs none.
 */
export type CreateSchedulerOptions<R extends RegistryInput> = SchedulerTuning & {
  registry: R;
} & (Element<R> extends JobDescriptorSet<unknown>
    ? { services?: ServiceResolver | Record<string, unknown> }
    : { services: ServicesOf<R> | ServiceResolver });

/**
 * The parameter type of `createScheduler`: {@link CreateSchedulerOptions}, with `services` checked
 * against whichever form was passed (`S`, inferred). Against the union `JobServices | ServiceResolver`
 * the compiler can only say "Type '{}' is not assignable to type 'JobServices | ServiceResolver'";
 * against the one form it names the missing key ("Property 'EmailSender' is missing ...").
 */
export type CreateSchedulerArgument<R extends RegistryInput, S> = SchedulerTuning & {
  registry: R;
} & (Element<R> extends JobDescriptorSet<unknown>
    ? { services?: ServiceResolver | Record<string, unknown> }
    : { services: S & ServicesArgument<R, NoInfer<S>> });

/** A function is a resolver; anything else must be the registries' services object. */
type ServicesArgument<R, S> = S extends (...args: never[]) => unknown
  ? ServiceResolver
  : ServicesOf<R>;

/** Tuning with defaults applied and every value checked. */
export interface ResolvedTuning {
  readonly variables: ConfigurationVariables;
  readonly maxConcurrentExecutions: number;
  readonly maxRetainedCompletedJobs: number;
  readonly maxMisfireCatchUpRuns: number;
  readonly logger: Logger;
}

/** The largest count option: PostgreSQL's `integer`, and far beyond any sensible setting. */
const MAX_COUNT = 2_147_483_647;

function wholeNumber(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_COUNT) {
    throw coded(
      new RangeError(
        `createScheduler: ${name} must be a whole number from ${min} to ${MAX_COUNT}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}.`,
      ),
      "ELR102",
    );
  }
  return value;
}

/** Applies defaults and rejects bad tuning with a message naming the option. */
export function resolveTuning(options: SchedulerTuning): ResolvedTuning {
  if (
    options.clock !== undefined &&
    (typeof options.clock.now !== "function" || typeof options.clock.setTimer !== "function")
  ) {
    throw coded(
      new TypeError(
        "createScheduler: clock must have now() and setTimer(atMs, callback), e.g. new ManualClock() from @elarion/runtime/testing.",
      ),
      "ELR101",
    );
  }
  if (
    options.store !== undefined &&
    (typeof options.store.open !== "function" || typeof options.store.claimDueRuns !== "function")
  ) {
    throw coded(
      new TypeError(
        "createScheduler: store must implement JobStore, e.g. memoryStore() or postgresStore({ pool }).",
      ),
      "ELR101",
    );
  }
  if (options.onRunOutcome !== undefined && typeof options.onRunOutcome !== "function") {
    throw coded(
      new TypeError("createScheduler: onRunOutcome must be a function (outcome) => void."),
      "ELR101",
    );
  }
  const variables = options.variables ?? processEnvironment;
  if (
    typeof variables !== "object" ||
    variables === null ||
    typeof variables.get !== "function" ||
    (variables.subscribe !== undefined && typeof variables.subscribe !== "function")
  ) {
    throw coded(
      new TypeError(
        "createScheduler: variables must have get(key) => string | undefined and, optionally, subscribe(onChange) => unsubscribe; e.g. { get: (key) => process.env[key] }.",
      ),
      "ELR101",
    );
  }
  const logger = resolveLogger(options.logger);
  return {
    variables,
    maxConcurrentExecutions: wholeNumber(
      options.maxConcurrentExecutions,
      "maxConcurrentExecutions",
      1,
      availableParallelism(),
    ),
    maxRetainedCompletedJobs: wholeNumber(
      options.maxRetainedCompletedJobs,
      "maxRetainedCompletedJobs",
      0,
      1024,
    ),
    maxMisfireCatchUpRuns: wholeNumber(
      options.maxMisfireCatchUpRuns,
      "maxMisfireCatchUpRuns",
      0,
      32,
    ),
    logger,
  };
}
