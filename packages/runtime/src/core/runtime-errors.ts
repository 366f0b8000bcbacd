/**
 * The runtime's error codes, beside the generator's `ELG…` diagnostics: every error the runtime
 * throws at a caller carries one as `error.code` (the way Node's own errors carry `ERR_…`), so
 * code and log searches can match on it while the message stays a sentence that says what was
 * wrong and what to do. docs/errors.md lists them; a test keeps that list and this table equal.
 *
 * Ranges: ELR0xx lifecycle, ELR1xx createScheduler, ELR2xx schedule/enqueue input, ELR3xx
 * operations on existing jobs, ELR4xx run outcomes, ELR5xx stores, ELR6xx testing helpers,
 * ELR7xx authoring.
 */
export const RUNTIME_ERRORS = {
  ELR001: "the scheduler is not started (or already stopped) for this call",
  ELR002: "the scheduler was started twice",
  ELR003:
    "the options of stop() are malformed (drain not a boolean, timeoutMs not a whole number of milliseconds from 0 to 2147483647)",
  ELR101: "createScheduler options are malformed",
  ELR102: "a tuning option of createScheduler is out of range",
  ELR103: "a service a job needs is missing, or the resolver returned nothing",
  ELR104:
    "the registries passed to createScheduler conflict (duplicate job or policy names, mixed kinds)",
  ELR105: "a job's schedule or policy in the registry is invalid",
  ELR106:
    "a job's configuration placeholder has no usable value at start (variable unset without a default, or rejected by the option's parser)",
  ELR107: "telemetry providers were given but @opentelemetry/api cannot be loaded",
  ELR201: "the job passed to schedule/enqueue is unknown or cannot be scheduled at run time",
  ELR202: "the payload fails the job's generated validator",
  ELR203:
    "the due time is not a valid instant, or lies outside what every store can keep (epoch ms -210866803200000 to 8640000000000000)",
  ELR204: "the schedule options are malformed",
  ELR205: "the resilience policy is unknown or invalid",
  ELR206: "the schedule definition passed to upsertSchedule is invalid",
  ELR207:
    "the items of enqueueMany/scheduleMany are malformed (not an array, or joining different transactions)",
  ELR208:
    "the payload cannot be stored as JSON by every store (a cycle, a BigInt, a NUL character or a lone surrogate)",
  ELR301: "an id or query argument is malformed",
  ELR310:
    "a listJobs/countJobs query is malformed (unknown status, a filter that is not a string, a cursor listJobs did not return)",
  ELR311: "the limit of listJobs is not a whole number from 1 to 1000",
  ELR312: "the job name given to pauseJob/resumeJob/triggerJob is not registered",
  ELR313: "triggerJob was given a job without a schedule (a runtime-only job)",
  ELR314: "triggerJob was called in a process that does not run jobs (an enqueue-only scheduler)",
  ELR401: "an attempt timed out",
  ELR501: "the store cannot be used as configured",
  ELR502:
    "PostgreSQL cannot be reached, or refused the login (unknown role or database, wrong password)",
  ELR503: "a schedule kept changing under concurrent upserts; the call gave up",
  ELR510: "postgresStore options are malformed or out of range",
  ELR511: "the PostgreSQL schema was migrated by a newer @elarion/runtime",
  ELR512: "the client passed to enqueue/schedule is not a pg client inside a transaction",
  ELR513: "the PostgreSQL store is used before it is open, or opened twice",
  ELR601: "a testing helper got an invalid argument",
  ELR701: "a resilience policy declaration is invalid",
} as const;

/** One of the runtime's error codes. */
export type RuntimeErrorCode = keyof typeof RUNTIME_ERRORS;

/** An error of the runtime: a standard error (`TypeError`, `RangeError`, `Error`) with its code. */
export type CodedError<E extends Error = Error> = E & { readonly code: RuntimeErrorCode };

/**
 * Gives `error` its runtime error code and returns it, keeping its class (callers may still
 * `catch (e) { if (e instanceof TypeError) ... }`).
 *
 * @example
 * ```ts
 * throw coded(new RangeError(`Invalid dueTime for job "emails.send": NaN. Pass a valid Date.`), "ELR203");
 * ```
 */
export function coded<E extends Error>(error: E, code: RuntimeErrorCode): CodedError<E> {
  Object.defineProperty(error, "code", {
    value: code,
    enumerable: true,
    configurable: true,
    writable: false,
  });
  return error as CodedError<E>;
}
