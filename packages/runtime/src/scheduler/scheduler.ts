import { Dispatcher } from "../dispatch/dispatcher.js";
import type { JobClass, ServiceTable } from "../registry/job-registry.js";
import { firstRunIdOfNewestJobId, newId, newJobId } from "../core/ids.js";
import { encodeJobCursor } from "../state/job-cursor.js";
import type { Instrumentation } from "../state/instrumentation.js";
import type { JobState } from "../state/job-state.js";
import type { SchedulerSnapshot } from "../state/scheduler-snapshot.js";
import type { JobStore, MaybePromise, StoreHost } from "../stores/job-store.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { RegisteredJob } from "../dispatch/registered-job.js";
import type { JobCatalog } from "./job-catalog.js";
import type { CountJobsQuery, JobCounts, JobPage, ListJobsQuery } from "../state/job-query.js";
import type { ScheduleDefinition, ScheduleInfo } from "../state/schedule-info.js";
import { EpochSecondsCheck } from "./epoch-seconds-check.js";
import type {
  JobRunHandle,
  JobScheduler,
  RetryJobOptions,
  ScheduleManyItem,
  ScheduleOptions,
  StopOptions,
} from "./job-scheduler.js";
import { resolveStopOptions } from "./stop-options.js";
import { idArgument, registeredJobArgument } from "./call-arguments.js";
import { snapshotOf } from "./scheduler-snapshot-view.js";
import { parseCountJobsQuery, parseListJobsQuery } from "./job-query-input.js";
import { observeCancel, observeInsert } from "./observed-operations.js";
import {
  buildRuntimeJobRequest,
  dueTimeMsOf,
  type RuntimeJobRequest,
} from "./runtime-job-request.js";
import { RunTimeSchedules } from "./run-time-schedules.js";
import { insertMany, validateEach } from "./bulk-insert.js";
import { handleOf } from "./insert-handle.js";
import { scheduleManyRequests } from "./schedule-many-requests.js";
import type { ResolvedTuning, SchedulerTuning } from "./scheduler-options.js";
import { coded } from "../core/runtime-errors.js";
import { LiveConfiguration } from "./live-configuration.js";

type Lifecycle = "created" | "starting" | "started" | "stopping" | "stopped";

async function settled<T>(value: MaybePromise<T>): Promise<T> {
  return value;
}

/** The public face: validates every call, owns start/stop, delegates the rest. */
export class Scheduler implements JobScheduler<JobClass, Record<string, unknown>> {
  private lifecycle: Lifecycle = "created";
  private readonly dispatcher: Dispatcher;
  private readonly schedules: RunTimeSchedules;
  private stopping: Promise<void> | null = null;
  /** The clock reads `Date.now()`, so its reading can date the new job id too. */
  private readonly clockIsWallClock: boolean;
  private readonly epochSeconds: EpochSecondsCheck;
  /** Jobs whose options are configuration placeholders; `null` in an enqueue-only process. */
  private readonly configuration: LiveConfiguration | null;

  constructor(
    private readonly catalog: JobCatalog,
    services: ServiceTable,
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly tuning: ResolvedTuning,
    onRunOutcome: SchedulerTuning["onRunOutcome"],
    private readonly instrumentation: Instrumentation | null = null,
  ) {
    this.clockIsWallClock = clock === systemClock;
    this.epochSeconds = new EpochSecondsCheck(tuning.logger);
    this.configuration = catalog.runsJobs
      ? new LiveConfiguration(catalog.jobs.values(), tuning.variables, tuning.logger)
      : null;
    this.dispatcher = new Dispatcher({
      clock,
      store,
      jobs: catalog.jobs,
      services,
      maxConcurrentExecutions: tuning.maxConcurrentExecutions,
      maxMisfireCatchUpRuns: tuning.maxMisfireCatchUpRuns,
      logger: tuning.logger,
      runsJobs: catalog.runsJobs,
      onRunOutcome,
      instrumentation,
    });
    this.schedules = new RunTimeSchedules(catalog, store, clock, this.dispatcher.wake);
  }

  async start(): Promise<void> {
    if (this.lifecycle !== "created") {
      throw coded(
        new Error(
          `scheduler.start(): the scheduler is already ${this.lifecycle}; create a new scheduler to start again.`,
        ),
        "ELR002",
      );
    }
    this.lifecycle = "starting";
    let schedules;
    try {
      schedules = this.configuration?.resolveAtStart(this.clock.now());
    } catch (error) {
      this.lifecycle = "created";
      throw error;
    }
    const host: StoreHost = {
      now: () => this.clock.now(),
      setTimer: (atMs, callback) => this.clock.setTimer(atMs, callback),
      wake: this.dispatcher.wake,
      abortRun: (runId) => this.dispatcher.abortRunById(runId),
      repairSchedules: () => this.dispatcher.repairSchedules(),
      findDescriptor: (jobName) => this.catalog.jobs.get(jobName)?.descriptor,
      maxRetainedCompletedJobs: this.tuning.maxRetainedCompletedJobs,
      logger: this.tuning.logger,
    };
    try {
      await this.store.open(host);
    } catch (error) {
      this.lifecycle = "created";
      throw error;
    }
    this.dispatcher.start(schedules);
    this.configuration?.follow(
      () => this.clock.now(),
      (job, schedule) => this.dispatcher.reschedule(job, schedule),
    );
    if (this.instrumentation !== null && this.store.queuedRunCounts !== undefined) {
      this.instrumentation.observeQueuedRuns(() => settled(this.store.queuedRunCounts!()));
    }
    this.lifecycle = "started";
  }

  stop(options?: StopOptions): Promise<void> {
    let resolved;
    try {
      resolved = resolveStopOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.stopping !== null) return this.stopping;
    if (this.lifecycle === "created") {
      this.lifecycle = "stopped";
      return Promise.resolve();
    }
    this.lifecycle = "stopping";
    this.configuration?.stop();
    this.stopping = (async () => {
      await this.dispatcher.stop(resolved);
      this.instrumentation?.close();
      await this.store.close();
      this.lifecycle = "stopped";
    })();
    return this.stopping;
  }

  schedule(
    job: unknown,
    payload: unknown,
    dueTime: Date | number,
    options?: ScheduleOptions,
  ): Promise<JobRunHandle> {
    try {
      this.assertStarted("schedule");
      const request = buildRuntimeJobRequest(this.catalog, job, payload, null, dueTime, options);
      const nowMs = this.clock.now();
      this.epochSeconds.check(request.dueTimeMs, nowMs, request.jobName);
      const observation = this.instrumentation?.insertStarted("schedule", request) ?? null;
      if (observation !== null)
        return observeInsert(observation, () => this.insert(request, options?.client, nowMs));
      return this.insert(request, options?.client, nowMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  enqueue(job: unknown, payload: unknown, options?: ScheduleOptions): Promise<JobRunHandle> {
    try {
      this.assertStarted("enqueue");
      const nowMs = this.clock.now();
      const request = buildRuntimeJobRequest(this.catalog, job, payload, nowMs, undefined, options);
      const observation = this.instrumentation?.insertStarted("enqueue", request) ?? null;
      if (observation !== null)
        return observeInsert(observation, () => this.insert(request, options?.client, nowMs));
      return this.insert(request, options?.client, nowMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  cancelJob(jobId: string): Promise<boolean> {
    // Not async: a cancel the store answers at once resolves without extra promise hops (the scale
    // suite times each cancel); a bad argument still rejects.
    try {
      this.assertStarted("cancelJob");
      const id = idArgument("cancelJob", jobId, "jobId");
      if (this.instrumentation !== null)
        return observeCancel(this.instrumentation, "cancel-job", id, () =>
          this.dispatcher.cancelJob(id),
        );
      return this.dispatcher.cancelJob(id);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async cancelJobs(jobIds: readonly string[]): Promise<boolean[]> {
    this.assertStarted("cancelJobs");
    if (!Array.isArray(jobIds))
      throw coded(
        new TypeError(
          `cancelJobs: expected an array of jobId strings, got ${jobIds === null ? "null" : typeof jobIds}.`,
        ),
        "ELR301",
      );
    const ids = jobIds.map((jobId: unknown, index) =>
      idArgument(`cancelJobs: item ${index}`, jobId, "jobId"),
    );
    const instrumentation = this.instrumentation;
    // All issued at once: the store groups concurrent cancels (one statement per 500 on PostgreSQL).
    const settled = await Promise.allSettled(
      ids.map((jobId) =>
        instrumentation === null
          ? this.dispatcher.cancelJob(jobId)
          : observeCancel(instrumentation, "cancel-job", jobId, () =>
              this.dispatcher.cancelJob(jobId),
            ),
      ),
    );
    const failed = settled.find((answer) => answer.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    return settled.map((answer) => (answer as PromiseFulfilledResult<boolean>).value);
  }

  cancelRun(runId: string): Promise<boolean> {
    // Not async, like cancelJob.
    try {
      this.assertStarted("cancelRun");
      const id = idArgument("cancelRun", runId, "runId");
      if (this.instrumentation !== null)
        return observeCancel(this.instrumentation, "cancel-run", id, () =>
          this.dispatcher.cancelRun(id),
        );
      return this.dispatcher.cancelRun(id);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async getJob(jobId: string): Promise<JobState | null> {
    return this.store.getJob(idArgument("getJob", jobId, "jobId"));
  }

  async snapshot(): Promise<SchedulerSnapshot> {
    return snapshotOf(this.store, this.catalog, this.dispatcher, this.clock);
  }

  whenIdle(): Promise<void> {
    return this.dispatcher.whenIdle();
  }

  // ---- operations (docs/semantics.md#operating-jobs) ----------------------------------------

  /** Answers at any time, like `getJob` (after `stop()` from the last known state). */
  async listJobs(query?: ListJobsQuery): Promise<JobPage> {
    const { listing, pageSize } = parseListJobsQuery(query);
    const listed = await this.store.listJobs(listing);
    if (listed.length <= pageSize) return { jobs: [...listed], nextCursor: null };
    const jobs = listed.slice(0, pageSize);
    const last = jobs[jobs.length - 1]!;
    return {
      jobs,
      nextCursor: encodeJobCursor({ createdAtMs: last.createdAt.getTime(), jobId: last.jobId }),
    };
  }

  /** Answers at any time, like `getJob`. */
  async countJobs(query?: CountJobsQuery): Promise<JobCounts> {
    return this.store.countJobs(parseCountJobsQuery(query));
  }

  async retryJob(jobId: string, options?: RetryJobOptions): Promise<JobRunHandle | null> {
    this.assertStarted("retryJob");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw coded(
        new TypeError("retryJob: expected options like { dueTime: Date.now() + 60_000 }."),
        "ELR301",
      );
    }
    jobId = idArgument("retryJob", jobId, "jobId");
    const dueTimeMs =
      options?.dueTime === undefined
        ? this.clock.now()
        : dueTimeMsOf(options.dueTime, `of retryJob(${jobId})`);
    const state = await this.store.retryJob(jobId, { newRunId: newId(), dueTimeMs });
    if (state === null) return null;
    this.dispatcher.wake();
    return {
      jobId,
      runId: state.currentRunId,
      jobName: state.jobName,
      dueTime: new Date(dueTimeMs),
      attempt: state.attempt,
      maxAttempts: state.maxAttempts,
    };
  }

  async pauseJob(jobName: string): Promise<void> {
    await this.setPaused("pauseJob", jobName, true);
  }

  async resumeJob(jobName: string): Promise<void> {
    await this.setPaused("resumeJob", jobName, false);
    this.dispatcher.wake();
  }

  async triggerJob(jobName: string): Promise<JobRunHandle> {
    this.assertStarted("triggerJob");
    const job = this.registeredJob("triggerJob", jobName);
    if (job.recurrence === null) {
      throw coded(
        new TypeError(
          `triggerJob: job "${job.name}" has no schedule (a runtime-only job), so there is nothing to run off its grid; enqueue it instead: scheduler.enqueue("${job.name}", payload).`,
        ),
        "ELR313",
      );
    }
    if (job.invoke === null) {
      throw coded(
        new Error(
          `triggerJob: this scheduler only enqueues (it was given descriptor sets, not job registries), so it cannot run job "${job.name}"; call triggerJob on a scheduler that runs it.`,
        ),
        "ELR314",
      );
    }
    const { jobId, runId, dueTimeMs } = this.dispatcher.trigger(job);
    return {
      jobId,
      runId,
      jobName: job.name,
      dueTime: new Date(dueTimeMs),
      attempt: 1,
      maxAttempts: 1,
    };
  }

  enqueueMany(
    job: unknown,
    payloads: readonly unknown[],
    options?: ScheduleOptions,
  ): Promise<JobRunHandle[]> {
    try {
      this.assertStarted("enqueueMany");
      const nowMs = this.clock.now();
      const requests = validateEach("enqueueMany", payloads, (payload) =>
        buildRuntimeJobRequest(this.catalog, job, payload, nowMs, undefined, options),
      );
      return this.insertMany(requests, options?.client, nowMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  scheduleMany(items: readonly ScheduleManyItem[]): Promise<JobRunHandle[]> {
    try {
      this.assertStarted("scheduleMany");
      const { requests, client } = scheduleManyRequests(this.catalog, items);
      return this.insertMany(requests, client, this.clock.now());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  upsertSchedule(
    scheduleKey: string,
    job: unknown,
    payload: unknown,
    schedule: ScheduleDefinition,
  ): Promise<ScheduleInfo> {
    try {
      this.assertStarted("upsertSchedule");
      return this.schedules.upsert(scheduleKey, job, payload, schedule);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  removeSchedule(scheduleKey: string): Promise<boolean> {
    try {
      this.assertStarted("removeSchedule");
      return this.schedules.remove(scheduleKey);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  listSchedules(): Promise<ScheduleInfo[]> {
    return this.schedules.list();
  }

  private async insertMany(
    requests: RuntimeJobRequest[],
    client: unknown,
    nowMs: number,
  ): Promise<JobRunHandle[]> {
    const handles = await insertMany(this.store, requests, client, nowMs, this.clockIsWallClock);
    this.dispatcher.wake();
    return handles;
  }

  private async setPaused(
    operation: "pauseJob" | "resumeJob",
    jobName: string,
    paused: boolean,
  ): Promise<void> {
    this.assertStarted(operation);
    this.registeredJob(operation, jobName);
    await this.store.setJobPaused(jobName, paused);
  }

  private registeredJob(operation: string, jobName: unknown): RegisteredJob {
    return registeredJobArgument(this.catalog, operation, jobName);
  }

  private insert(
    request: RuntimeJobRequest,
    client: unknown,
    nowMs = this.clock.now(),
  ): Promise<JobRunHandle> {
    const jobId = this.clockIsWallClock ? newJobId(nowMs) : newJobId();
    const runId = firstRunIdOfNewestJobId();
    // Whole milliseconds: listJobs orders and pages by it exactly (JobState.createdAt is a Date).
    const inserted = this.store.insertJob(
      request.identify(jobId, runId, Math.floor(nowMs)),
      client === undefined ? undefined : { client },
    );
    if (inserted instanceof Promise) {
      return inserted.then((holder) => {
        this.dispatcher.wake();
        return handleOf(request, holder);
      });
    }
    this.dispatcher.wake();
    return Promise.resolve(handleOf(request, inserted));
  }

  private assertStarted(operation: string): void {
    if (this.lifecycle === "started") return;
    if (this.lifecycle === "created" || this.lifecycle === "starting") {
      throw coded(
        new Error(
          `scheduler.${operation}(): the scheduler is not started; await scheduler.start() first.`,
        ),
        "ELR001",
      );
    }
    throw coded(
      new Error(
        `scheduler.${operation}(): the scheduler is ${this.lifecycle}; create and start a new scheduler to schedule or cancel jobs.`,
      ),
      "ELR001",
    );
  }
}
