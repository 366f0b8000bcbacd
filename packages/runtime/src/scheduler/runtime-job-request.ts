import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { RegisteredJob } from "../dispatch/registered-job.js";
import type { NewRuntimeJob, OnDuplicate, ResilienceMode } from "../stores/job-store.js";
import type { JobCatalog } from "./job-catalog.js";
import type { ScheduleOptions } from "./job-scheduler.js";
import { coded } from "../core/runtime-errors.js";
import {
  jsonProblem,
  MAX_DUE_TIME_MS,
  MIN_DUE_TIME_MS,
  textProblem,
} from "../core/storable-value.js";

/**
 * A validated `schedule`/`enqueue` call. It is also the {@link NewRuntimeJob} handed to the store
 * once {@link identify} gave it ids, so an insert costs one object instead of two (hot path); it
 * carries exactly the NewRuntimeJob fields because a store may copy it whole.
 */
export class RuntimeJobRequest implements NewRuntimeJob {
  jobId = "";
  runId = "";
  createdAtMs = 0;
  /** Set by telemetry (`Instrumentation.insertStarted`) before the insert. */
  traceContext: string | null = null;
  readonly jobName: string;
  readonly occurrence = null;

  constructor(
    job: RegisteredJob,
    readonly payload: unknown,
    readonly dueTimeMs: number,
    readonly correlationId: string | null,
    readonly resilience: ResiliencePolicy | null,
    readonly resilienceMode: ResilienceMode,
    readonly maxAttempts: number,
    readonly key: string | null,
    readonly onDuplicate: OnDuplicate,
  ) {
    this.jobName = job.name;
  }

  /** Gives the validated call its job id, first run id and creation time, just before the insert. */
  identify(jobId: string, runId: string, createdAtMs: number): this {
    this.jobId = jobId;
    this.runId = runId;
    this.createdAtMs = createdAtMs;
    return this;
  }
}

/** Epoch ms of a `dueTime` argument, or a clear error. */
export function dueTimeMsOf(dueTime: unknown, jobName: string): number {
  const ms =
    dueTime instanceof Date
      ? dueTime.getTime()
      : typeof dueTime === "number"
        ? dueTime
        : Number.NaN;
  if (!Number.isFinite(ms)) {
    const shown =
      dueTime instanceof Date
        ? "Invalid Date"
        : typeof dueTime === "number"
          ? String(dueTime)
          : typeof dueTime;
    throw coded(
      new RangeError(
        `Invalid dueTime for job "${jobName}": ${shown}. Pass a valid Date or finite epoch milliseconds, e.g. Date.now() + 60_000.`,
      ),
      "ELR203",
    );
  }
  if (ms < MIN_DUE_TIME_MS || ms > MAX_DUE_TIME_MS) {
    throw coded(
      new RangeError(
        `Invalid dueTime for job "${jobName}": ${ms} is out of range; every store can keep instants from epoch ms ${MIN_DUE_TIME_MS} (4714-11-24 BC, PostgreSQL's first) to ${MAX_DUE_TIME_MS} (+275760-09-13, the last JS Date). Pass a due time in that range, e.g. Date.now() + 60_000.`,
      ),
      "ELR203",
    );
  }
  return ms;
}

/**
 * Validates a `schedule`/`enqueue` call: the job is known and runtime-schedulable, the payload passes
 * the generated validator, the options are well-formed and the policy exists. The request carries
 * the payload's stored form (see `PayloadCodec`).
 */
export function buildRuntimeJobRequest(
  catalog: JobCatalog,
  jobArgument: unknown,
  payload: unknown,
  dueTimeMs: number | null,
  dueTime: unknown,
  options: ScheduleOptions | undefined,
): RuntimeJobRequest {
  const job = catalog.resolve(jobArgument);
  const descriptor = job.descriptor;
  if (!descriptor.supportsRuntimeScheduling) {
    throw coded(
      new TypeError(
        `Job "${descriptor.name}" cannot be scheduled at run time: only class jobs implementing IScheduledJob<TPayload> can (it is a ${descriptor.target.kind} job in ${descriptor.sourceFile}).`,
      ),
      "ELR201",
    );
  }
  const due = dueTimeMs ?? dueTimeMsOf(dueTime, descriptor.name);
  if (descriptor.validatePayload !== null) {
    const problem = descriptor.validatePayload(payload);
    if (problem !== null)
      throw coded(
        new TypeError(`Invalid payload for job "${descriptor.name}": ${problem}.`),
        "ELR202",
      );
  }
  // Stores keep the JSON-safe form (a Date as its ISO string); the dispatcher decodes it for execute.
  const stored = descriptor.payloadCodec ? descriptor.payloadCodec.encode(payload) : payload;
  checkStorablePayload(stored, descriptor.name);
  if (options === undefined) {
    return new RuntimeJobRequest(job, stored, due, null, job.policy, "inline", 1, null, "keep");
  }
  if (typeof options !== "object" || options === null) {
    throw coded(
      new TypeError(
        `Invalid options for job "${descriptor.name}": expected an object like { correlationId: "order-42" }.`,
      ),
      "ELR204",
    );
  }
  const mode = options.resilienceMode ?? "inline";
  if (mode !== "inline" && mode !== "deferred-retry") {
    throw coded(
      new RangeError(
        `Invalid resilienceMode for job "${descriptor.name}": ${JSON.stringify(mode)}; use "inline" or "deferred-retry".`,
      ),
      "ELR204",
    );
  }
  if (options.correlationId !== undefined && typeof options.correlationId !== "string") {
    throw coded(
      new TypeError(`Invalid correlationId for job "${descriptor.name}": expected a string.`),
      "ELR204",
    );
  }
  if (options.correlationId !== undefined)
    checkStorableText(options.correlationId, "correlationId", `job "${descriptor.name}"`);
  const key = checkedKey(options, descriptor.name);
  const where = `schedule/enqueue of job "${descriptor.name}"`;
  let policy = job.policy;
  if (typeof options.resilience === "string") policy = catalog.policy(options.resilience, where);
  else if (options.resilience !== undefined)
    policy = checkedInlinePolicy(options.resilience, where);
  if (mode === "deferred-retry" && policy === null) {
    throw coded(
      new RangeError(
        `${where}: resilienceMode "deferred-retry" needs a resilience policy; pass { resilience: "policy-name" } or give the job one in @ScheduledJob.`,
      ),
      "ELR205",
    );
  }
  return new RuntimeJobRequest(
    job,
    stored,
    due,
    options.correlationId ?? null,
    policy,
    mode,
    mode === "deferred-retry" ? policy!.maxRetryAttempts + 1 : 1,
    key,
    options.onDuplicate ?? "keep",
  );
}

/** Longest key or schedule key, in UTF-16 code units: a PostgreSQL index entry stays well below its size limit. */
export const MAX_KEY_LENGTH = 512;

/** A key or schedule key as a caller passed it, or a clear error naming `what`. */
export function checkedKeyText(value: unknown, what: string, where: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    const shown =
      typeof value === "string"
        ? value.length === 0
          ? '""'
          : `a string of ${value.length} characters`
        : value === null
          ? "null"
          : typeof value;
    throw coded(
      new TypeError(
        `Invalid ${what} for ${where}: ${shown}; pass a non-empty string of at most ${MAX_KEY_LENGTH} characters, e.g. "order-42".`,
      ),
      "ELR204",
    );
  }
  checkStorableText(value, what, where);
  return value;
}

/** A string option every store can keep as it is (no NUL, no lone surrogate), or a clear error. */
function checkStorableText(value: string, what: string, where: string): void {
  const problem = textProblem(value);
  if (problem !== null)
    throw coded(
      new TypeError(`Invalid ${what} for ${where}: it ${problem}; remove that character.`),
      "ELR204",
    );
}

/** A payload (in its stored form) that every store can keep as JSON, or a clear error naming where it is not. */
export function checkStorablePayload(stored: unknown, jobName: string): void {
  if (typeof stored !== "object" && typeof stored !== "string" && typeof stored !== "bigint")
    return;
  const problem = jsonProblem(stored, "payload");
  if (problem !== null)
    throw coded(
      new TypeError(
        `Invalid payload for job "${jobName}": ${problem}. A payload must be storable as JSON.`,
      ),
      "ELR208",
    );
}

function checkedKey(options: ScheduleOptions, jobName: string): string | null {
  const where = `job "${jobName}"`;
  const { key, onDuplicate } = options;
  if (onDuplicate !== undefined && onDuplicate !== "keep" && onDuplicate !== "replace") {
    throw coded(
      new RangeError(
        `Invalid onDuplicate for ${where}: ${JSON.stringify(onDuplicate)}; use "keep" or "replace".`,
      ),
      "ELR204",
    );
  }
  if (key === undefined) {
    if (onDuplicate !== undefined) {
      throw coded(
        new TypeError(
          `Invalid options for ${where}: onDuplicate applies to keyed jobs only; pass a key too, e.g. { key: "order-42", onDuplicate: "${onDuplicate}" }.`,
        ),
        "ELR204",
      );
    }
    return null;
  }
  return checkedKeyText(key, "key", where);
}

/** Largest retry count: attempts are stored as PostgreSQL `integer`s (`maxRetryAttempts + 1`). */
const MAX_RETRY_ATTEMPTS = 2_147_483_646;
const BACKOFF_KINDS: readonly unknown[] = ["constant", "linear", "exponential"];

/**
 * An inline policy object (normally from `resiliencePolicy()`, which validates it; a hand-built or
 * altered one may carry anything): every field a retry or timeout timer reads is checked, since a
 * NaN or negative delay would fire at once and a fractional count never match.
 */
function checkedInlinePolicy(policy: ResiliencePolicy, where: string): ResiliencePolicy {
  if (typeof policy !== "object" || policy === null) {
    throw coded(
      new TypeError(
        `Invalid resilience for ${where}: pass a policy name or the result of resiliencePolicy("name", {...}).`,
      ),
      "ELR205",
    );
  }
  const problem = inlinePolicyProblem(policy);
  if (problem !== null) {
    throw coded(
      new RangeError(
        `Invalid resilience for ${where}: ${problem}; build it with resiliencePolicy("name", {...}).`,
      ),
      "ELR205",
    );
  }
  return policy;
}

function inlinePolicyProblem(policy: ResiliencePolicy): string | null {
  const { maxRetryAttempts, delayMs, maxDelayMs, timeoutMs, backoff, jitter } = policy;
  if (
    !Number.isInteger(maxRetryAttempts) ||
    maxRetryAttempts < 0 ||
    maxRetryAttempts > MAX_RETRY_ATTEMPTS
  ) {
    return `maxRetryAttempts must be a whole number from 0 to ${MAX_RETRY_ATTEMPTS}, got ${String(maxRetryAttempts)}`;
  }
  if (!isDuration(delayMs, 0))
    return `delayMs must be a finite number of milliseconds, 0 or more, got ${String(delayMs)}`;
  if (maxDelayMs !== null && maxDelayMs !== undefined && !isDuration(maxDelayMs, 0))
    return `maxDelayMs must be null or a finite number of milliseconds, 0 or more, got ${String(maxDelayMs)}`;
  if (timeoutMs !== null && timeoutMs !== undefined && !isDuration(timeoutMs, Number.MIN_VALUE)) {
    return `timeoutMs must be null or a finite number of milliseconds above 0, got ${String(timeoutMs)}`;
  }
  if (backoff !== undefined && !BACKOFF_KINDS.includes(backoff))
    return `backoff must be "constant", "linear" or "exponential", got ${JSON.stringify(backoff)}`;
  if (jitter !== undefined && typeof jitter !== "boolean")
    return `jitter must be true or false, got ${JSON.stringify(jitter)}`;
  return null;
}

function isDuration(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= min;
}
