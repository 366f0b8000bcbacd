import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { JobClass } from "../registry/job-registry.js";
import type { CountJobsQuery, JobCounts, JobPage, ListJobsQuery } from "../state/job-query.js";
import type { JobState } from "../state/job-state.js";
import type { ScheduleDefinition, ScheduleInfo } from "../state/schedule-info.js";
import type { SchedulerSnapshot } from "../state/scheduler-snapshot.js";
import type { ResilienceMode } from "../stores/job-store.js";

/** Resolves a constructor dependency by its key, for DI containers: `(key) => container.get(key)`. */
export type ServiceResolver = (key: string) => unknown;

/**
 * Per-call options of `schedule`/`enqueue`. `TPolicyName` is the union of the registries'
 * resilience policy names (the generated `JobPolicyNames`), so a misspelt name does not compile.
 */
export interface ScheduleOptions<TPolicyName extends string = string> {
  /** A policy name registered by the generator, or an inline policy; overrides the job's own. */
  resilience?: ResiliencePolicy | TPolicyName;
  /** Default `"inline"`: retries inside one run. `"deferred-retry"`: each retry is a new run of the same job. */
  resilienceMode?: ResilienceMode;
  correlationId?: string;
  /** Join the caller's transaction (PostgreSQL: a `pg` client inside `BEGIN`). Ignored by the memory store. */
  client?: unknown;
  /**
   * Enqueue once: at most one pending (queued or waiting-retry) job per `(job name, key)`,
   * cluster-wide. A running job does not hold its key.
   */
  key?: string;
  /**
   * With `key`, when a pending job already holds it: `"keep"` (default) returns that job's handle
   * with `deduplicated: true`; `"replace"` gives that job (same `jobId`) the new payload and due time.
   */
  onDuplicate?: "keep" | "replace";
}

/** Options of `stop`. */
export interface StopOptions {
  /**
   * `true`: stop claiming and let active runs finish without aborting them. Default `false`: abort
   * active runs (`"scheduler shutdown"`).
   */
  drain?: boolean;
  /**
   * `stop` returns by then even if a body never settles (default 30 000). Memory records such a run
   * `cancelled` / `"scheduler shutdown"`; PostgreSQL stops heartbeating it so another worker runs it again.
   */
  timeoutMs?: number;
}

/** Options of `retryJob`. */
export interface RetryJobOptions {
  /** When the new run is due (a Date or epoch ms); default now. */
  dueTime?: Date | number;
}

/** One item of `scheduleMany`. */
export interface ScheduleManyItem<
  TJob = unknown,
  TPayload = unknown,
  TPolicyName extends string = string,
> {
  job: TJob;
  payload: TPayload;
  dueTime: Date | number;
  options?: ScheduleOptions<TPolicyName>;
}

/**
 * An item of `scheduleMany` for the job `TJob` (a class or a name): its payload is that job's
 * payload, so a mixed list is checked item by item.
 *
 * @example
 * ```ts
 * await scheduler.scheduleMany([
 *   { job: SendEmailJob, payload: { to: "a@example.com" }, dueTime: Date.now() + 60_000 },
 *   { job: "reports.build", payload: { tenant: "acme" }, dueTime: new Date("2027-01-01T06:00:00Z") },
 * ]);
 * ```
 */
export type ScheduleManyItemOf<
  TJob,
  TPayloads,
  TPolicyName extends string = string,
> = TJob extends unknown
  ? // An untyped scheduler's job type is the generic JobClass: any class, any payload.
    ScheduleManyItem<
      TJob,
      JobClass extends TJob ? unknown : PayloadFor<TJob, TPayloads>,
      TPolicyName
    >
  : never;

/** What `schedule`/`enqueue` return: the ids to cancel or look the job up with. */
export interface JobRunHandle {
  jobId: string;
  runId: string;
  jobName: string;
  dueTime: Date;
  attempt: number;
  maxAttempts: number;
  /** `true` when `key` matched a pending job and this is that job's handle (nothing new was enqueued). */
  deduplicated?: boolean;
}

/** The payload type of a job instance type: the first parameter of its `execute`. */
// biome-ignore-start lint/suspicious/noExplicitAny: type-level wildcards; `unknown` would reject valid classes and registries through variance
export type PayloadOf<J> = J extends { execute(payload: infer P, ...rest: any[]): unknown }
  ? P
  : never;

/** The payload type of a job class (`IScheduledJob<TPayload>` → `TPayload`). */
export type PayloadOfClass<C> = C extends abstract new (
  ...args: any[]
) => infer J
  ? PayloadOf<J>
  : never;
// biome-ignore-end lint/suspicious/noExplicitAny: end of the wildcards

/**
 * The payload type of a job given by class or by name. One signature per method (not a by-class
 * and a by-name overload) keeps the compiler's message about a wrong payload at the payload, naming
 * the field, instead of "No overload matches this call" and the other overload's complaint.
 */
export type PayloadFor<J, TPayloads> = J extends string
  ? J extends keyof TPayloads
    ? TPayloads[J]
    : never
  : PayloadOfClass<J>;

/**
 * The scheduler. `TJobClass` is the union of the registry's job classes (an unknown class is a type
 * error), `TPayloads` maps job names to payload types (for scheduling by name) and `TPolicyName` is
 * the union of the registries' resilience policy names.
 *
 * Lifecycle: `schedule`, `enqueue`, `cancelJob`, `cancelJobs` and `cancelRun` throw before `start()` and after
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
export interface JobScheduler<
  TJobClass = JobClass,
  TPayloads = Record<string, unknown>,
  TPolicyName extends string = string,
> {
  /** Opens the store, plans recurring jobs and starts dispatching. Call once. */
  start(): Promise<void>;
  /**
   * Stops claiming, aborts active runs ("scheduler shutdown") — or with `drain` lets them finish —
   * and returns by `timeoutMs` even if a body never settles. Leaves no timer. Idempotent.
   */
  stop(options?: StopOptions): Promise<void>;
  /** Schedules a runtime job at `dueTime` (a Date or epoch ms; a past instant runs at once). */
  schedule<J extends TJobClass | (keyof TPayloads & string)>(
    job: J,
    payload: PayloadFor<J, TPayloads>,
    dueTime: Date | number,
    options?: ScheduleOptions<TPolicyName>,
  ): Promise<JobRunHandle>;
  /** Schedules a runtime job due now. */
  enqueue<J extends TJobClass | (keyof TPayloads & string)>(
    job: J,
    payload: PayloadFor<J, TPayloads>,
    options?: ScheduleOptions<TPolicyName>,
  ): Promise<JobRunHandle>;
  /** `true` when the cancel took effect (see the cancel table in docs/semantics.md#cancel). */
  cancelJob(jobId: string): Promise<boolean>;
  /**
   * Cancels many jobs at once: each id as `cancelJob` would, and the answers per id in input order
   * (`true` where that cancel took effect). On PostgreSQL up to 500 cancels share one statement.
   * The ids are all checked before anything is cancelled; an id listed twice is judged twice, in
   * order (a queued job is cancelled by its first entry and the later one answers `false`; a
   * running job is told to abort by both, which both answer `true`). If a cancel fails (the database
   * unreachable, say), the promise rejects with that error after every cancel has settled: the
   * others may have taken effect (read them with `getJob`).
   *
   * @example
   * ```ts
   * const handles = await scheduler.enqueueMany(ReportJob, payloads);
   * const cancelled = await scheduler.cancelJobs(handles.map((handle) => handle.jobId));
   * const missed = handles.filter((_, index) => !cancelled[index]); // already running elsewhere, or finished
   * ```
   */
  cancelJobs(jobIds: readonly string[]): Promise<boolean[]>;
  /** `true` when the cancel took effect; a run id of an earlier attempt returns `false`. */
  cancelRun(runId: string): Promise<boolean>;
  /** A runtime job's state, or `null` (unknown, or dropped by retention). */
  getJob(jobId: string): Promise<JobState | null>;
  snapshot(): Promise<SchedulerSnapshot>;
  /** Runtime jobs, newest first, filtered and paged by cursor (cluster-wide on PostgreSQL). */
  listJobs(query?: ListJobsQuery): Promise<JobPage>;
  /** How many retained runtime jobs are in each status. */
  countJobs(query?: CountJobsQuery): Promise<JobCounts>;
  /**
   * Gives a `failed` or `cancelled` runtime job a new run (same `jobId`, new `runId`, attempts
   * counted afresh); `null` for an unknown or non-terminal job.
   */
  retryJob(jobId: string, options?: RetryJobOptions): Promise<JobRunHandle | null>;
  /** Nothing of this job name starts anywhere until `resumeJob`: queued runs wait, recurring slots are skipped `"paused"`. */
  pauseJob(jobName: (keyof TPayloads & string) | (string & {})): Promise<void>;
  resumeJob(jobName: (keyof TPayloads & string) | (string & {})): Promise<void>;
  /** Runs a recurring job now, off its grid, under its overlap policy. */
  triggerJob(jobName: string): Promise<JobRunHandle>;
  /** Enqueues several runtime jobs of one job, all or nothing; handles in input order. */
  enqueueMany<J extends TJobClass | (keyof TPayloads & string)>(
    job: J,
    payloads: readonly PayloadFor<J, TPayloads>[],
    options?: ScheduleOptions<TPolicyName>,
  ): Promise<JobRunHandle[]>;
  /** Schedules several runtime jobs, all or nothing; handles in input order. */
  scheduleMany<
    const TItems extends readonly ScheduleManyItemOf<
      TJobClass | (keyof TPayloads & string),
      TPayloads,
      TPolicyName
    >[],
  >(items: TItems): Promise<JobRunHandle[]>;
  /** Creates or atomically replaces a user-defined schedule of a job (durable on PostgreSQL). */
  upsertSchedule<C extends TJobClass>(
    scheduleKey: string,
    job: C,
    payload: PayloadOfClass<C>,
    schedule: ScheduleDefinition,
  ): Promise<ScheduleInfo>;
  upsertSchedule<N extends keyof TPayloads & string>(
    scheduleKey: string,
    job: N,
    payload: TPayloads[N],
    schedule: ScheduleDefinition,
  ): Promise<ScheduleInfo>;
  /** `true` when a schedule of that key existed and is removed (its pending occurrence with it). */
  removeSchedule(scheduleKey: string): Promise<boolean>;
  listSchedules(): Promise<ScheduleInfo[]>;
  /** Resolves when no run is active and nothing is due now. */
  whenIdle(): Promise<void>;
}
