import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { JobClass } from "../registry/job-registry.js";
import type { JobState } from "../state/job-state.js";
import type { SchedulerSnapshot } from "../state/scheduler-snapshot.js";
import type { ResilienceMode } from "../stores/job-store.js";

/** Resolves a constructor dependency by its key, for DI containers: `(key) => container.get(key)`. */
export type ServiceResolver = (key: string) => unknown;

/** Per-call options of `schedule`/`enqueue`. */
export interface ScheduleOptions {
  /** A policy name registered by the generator, or an inline policy; overrides the job's own. */
  resilience?: ResiliencePolicy | string;
  /** Default `"inline"`: retries inside one run. `"deferred-retry"`: each retry is a new run of the same job. */
  resilienceMode?: ResilienceMode;
  correlationId?: string;
  /** Join the caller's transaction (PostgreSQL: a `pg` client inside `BEGIN`). Ignored by the memory store. */
  client?: unknown;
}

/** What `schedule`/`enqueue` return: the ids to cancel or look the job up with. */
export interface JobRunHandle {
  jobId: string;
  runId: string;
  jobName: string;
  dueTime: Date;
  attempt: number;
  maxAttempts: number;
}

/** The payload type of a job instance type: the first parameter of its `execute`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PayloadOf<J> = J extends { execute(payload: infer P, ...rest: any[]): unknown } ? P : never;

/** The payload type of a job class (`IScheduledJob<TPayload>` → `TPayload`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PayloadOfClass<C> = C extends abstract new (...args: any[]) => infer J ? PayloadOf<J> : never;

/**
 * The scheduler. `TJobClass` is the union of the registry's job classes (an unknown class is a type
 * error) and `TPayloads` maps job names to payload types (for scheduling by name).
 *
 * Lifecycle: `schedule`, `enqueue`, `cancelJob` and `cancelRun` throw before `start()` and after
 * `stop()`; `getJob` and `snapshot` answer at any time (after `stop()` from the last known state).
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ registry: jobRegistry, services: { EmailSender: smtp } });
 * await scheduler.start();
 * const handle = await scheduler.schedule(SendEmailJob, { to, subject, body }, Date.now() + 5 * 60_000);
 * await scheduler.cancelJob(handle.jobId);
 * await scheduler.stop();
 * ```
 */
export interface JobScheduler<TJobClass = JobClass, TPayloads = Record<string, unknown>> {
  /** Opens the store, plans recurring jobs and starts dispatching. Call once. */
  start(): Promise<void>;
  /** Aborts active runs ("scheduler shutdown"), records waiting runs cancelled, waits for bodies, leaves no timer. Idempotent. */
  stop(): Promise<void>;
  /** Schedules a runtime job at `dueTime` (a Date or epoch ms; a past instant runs at once). */
  schedule<C extends TJobClass>(job: C, payload: PayloadOfClass<C>, dueTime: Date | number, options?: ScheduleOptions): Promise<JobRunHandle>;
  schedule<N extends keyof TPayloads & string>(job: N, payload: TPayloads[N], dueTime: Date | number, options?: ScheduleOptions): Promise<JobRunHandle>;
  /** Schedules a runtime job due now. */
  enqueue<C extends TJobClass>(job: C, payload: PayloadOfClass<C>, options?: ScheduleOptions): Promise<JobRunHandle>;
  enqueue<N extends keyof TPayloads & string>(job: N, payload: TPayloads[N], options?: ScheduleOptions): Promise<JobRunHandle>;
  /** `true` when the cancel took effect (see the cancel table in docs/semantics.md#cancel). */
  cancelJob(jobId: string): Promise<boolean>;
  /** `true` when the cancel took effect; a run id of an earlier attempt returns `false`. */
  cancelRun(runId: string): Promise<boolean>;
  /** A runtime job's state, or `null` (unknown, or dropped by retention). */
  getJob(jobId: string): Promise<JobState | null>;
  snapshot(): Promise<SchedulerSnapshot>;
  /** Resolves when no run is active and nothing is due now. */
  whenIdle(): Promise<void>;
}
