import type { Clock } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import type { ServiceTable } from "../registry/job-registry.js";
import type { Instrumentation } from "../state/instrumentation.js";
import { LatestOutcomes } from "../state/latest-outcomes.js";
import type { AbandonedRunInfo, OutcomeInfo, RunInfo } from "../state/run-info.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { JobStore } from "../stores/job-store.js";
import { Cancellations } from "./cancellations.js";
import { ClaimedRunAdmission } from "./claimed-run-admission.js";
import { DrainLoop } from "./drain-loop.js";
import type { JobSchedule } from "./job-schedule.js";
import { LocalRuns } from "./local-runs.js";
import { RecurringOccurrences, type Occurrence } from "./recurring-occurrences.js";
import type { RegisteredJob } from "./registered-job.js";
import { RunLifecycle } from "./run-lifecycle.js";
import { observedOccurrence } from "./run-outcomes.js";
import { Run } from "./run.js";
import { ScheduleChains } from "./schedule-chains.js";
import { StoreWrites } from "./store-writes.js";

/** What the dispatcher needs; `createScheduler` builds it from validated options. */
export interface DispatcherOptions {
  readonly clock: Clock;
  readonly store: JobStore;
  readonly jobs: ReadonlyMap<string, RegisteredJob>;
  readonly services: ServiceTable;
  readonly maxConcurrentExecutions: number;
  readonly maxMisfireCatchUpRuns: number;
  readonly logger: Logger;
  /** `false` in an enqueue-only process (descriptor sets): nothing is claimed or run here. */
  readonly runsJobs: boolean;
  readonly onRunOutcome: ((outcome: OutcomeInfo) => void) | undefined;
  /** Telemetry hooks; `null` when telemetry is off. */
  readonly instrumentation: Instrumentation | null;
}

/**
 * The dispatcher loop: sleeps on the clock until the next due time (recurring slot or store run),
 * is woken early by enqueue/cancel/store pushes, claims due runs and admits them
 * ({@link ClaimedRunAdmission}), fires recurring slots ({@link RecurringOccurrences}) and hands
 * every run to its {@link RunLifecycle} (gates, start, body, outcome); cancels
 * ({@link Cancellations}); waits for idleness; stops cleanly.
 */
export class Dispatcher {
  private state: "idle" | "running" | "stopping" | "stopped" = "idle";
  private readonly lifecycle: RunLifecycle;
  private readonly occurrences: RecurringOccurrences;
  private readonly chains: ScheduleChains;
  private readonly admission: ClaimedRunAdmission;
  private readonly cancellations: Cancellations;
  readonly recurringOutcomes = new LatestOutcomes();
  /** The runs of this process between claim and outcome. */
  private readonly runs = new LocalRuns();
  private readonly loop: DrainLoop;
  private readonly writes: StoreWrites;
  private idleWaiters: Array<() => void> = [];
  private unregisterSettle: (() => void) | null = null;
  /** Whether a job name is paused, as the store knows it now. */
  readonly isPaused: (jobName: string) => boolean;

  constructor(private readonly options: DispatcherOptions) {
    const { store, clock, logger } = options;
    this.isPaused = (jobName) => store.isJobPaused(jobName);
    this.writes = new StoreWrites(logger, options.instrumentation, () => this.notifyIdleWaiters());
    this.occurrences = new RecurringOccurrences(options.maxMisfireCatchUpRuns, {
      run: (occurrence, waitsForOverlap) => this.runOccurrence(occurrence, waitsForOverlap),
      ended: (occurrence, status, message) => this.recordOccurrenceEnd(occurrence, status, message),
      isPaused: this.isPaused,
    });
    this.chains = new ScheduleChains(
      store,
      clock,
      logger,
      options.maxMisfireCatchUpRuns,
      options.jobs,
      {
        track: (result) => this.writes.track(result),
        wake: () => this.wake(),
        forgetGateIfIdle: (gateJob) => this.lifecycle.forgetGateIfIdle(gateJob),
      },
    );
    this.lifecycle = new RunLifecycle(
      {
        clock,
        store,
        services: options.services,
        logger,
        maxConcurrentExecutions: options.maxConcurrentExecutions,
        onRunOutcome: options.onRunOutcome,
        instrumentation: options.instrumentation,
        occurrences: this.occurrences,
        chains: this.chains,
        runs: this.runs,
        writes: this.writes,
        recurringOutcomes: this.recurringOutcomes,
      },
      {
        isRunning: () => this.state === "running",
        wake: () => this.wake(),
        runEnded: () => this.runEnded(),
      },
    );
    this.admission = new ClaimedRunAdmission(
      { jobs: options.jobs, store, clock, logger, chains: this.chains, runs: this.runs },
      {
        admit: (run) => this.lifecycle.admit(run),
        finish: (run, status, message, error) => this.lifecycle.finish(run, status, message, error),
        track: (result) => this.writes.track(result),
      },
    );
    this.cancellations = new Cancellations(
      {
        store,
        clock,
        occurrences: this.occurrences,
        chains: this.chains,
        runs: this.runs,
        instrumentation: options.instrumentation,
      },
      { abortLocal: (run) => this.lifecycle.abortLocal(run, "cancel"), wake: () => this.wake() },
    );
    this.loop = new DrainLoop(clock, store, logger, {
      isRunning: () => this.state === "running",
      runsJobs: options.runsJobs,
      fireOccurrences: (nowMs) => this.occurrences.fireDue(nowMs),
      nextOccurrenceDue: () => this.occurrences.nextDueTime(),
      waitingForSlot: () => this.lifecycle.waitingForSlot,
      admit: (claimed) => this.admission.admit(claimed),
      drained: () => this.notifyIdleWaiters(),
    });
    this.wake = this.loop.wake;
  }

  /** New or earlier work may exist: drain soon (batched; see {@link DrainLoop}). */
  readonly wake: () => void;

  get isRunning(): boolean {
    return this.state === "running";
  }

  /**
   * Starts dispatching. `schedules`: the schedules of jobs whose configuration placeholders were
   * resolved at start; every other job follows its registry's.
   */
  start(schedules?: ReadonlyMap<RegisteredJob, JobSchedule>): void {
    this.state = "running";
    const clock = this.options.clock;
    if (clock.registerSettleHook)
      this.unregisterSettle = clock.registerSettleHook(() => this.settle());
    if (this.options.runsJobs) {
      this.occurrences.start(this.options.jobs.values(), clock.now(), schedules);
      void this.chains.repair(); // tracked by the chains; never rejects
    }
    this.wake();
  }

  /** A durable store's sweep: chains of run-time schedules may be stuck (see {@link ScheduleChains.repair}). */
  repairSchedules(): void {
    if (this.state === "running" && this.options.runsJobs) void this.chains.repair();
  }

  /** Gives a recurring job a new schedule now (a configuration variable changed); see {@link RecurringOccurrences.reschedule}. */
  reschedule(job: RegisteredJob, schedule: JobSchedule): void {
    if (this.state !== "running" || !this.options.runsJobs) return;
    this.occurrences.reschedule(job, schedule, this.options.clock.now());
    this.wake();
  }

  /** The schedule a job follows now. */
  scheduleOf(job: RegisteredJob): JobSchedule {
    return this.occurrences.scheduleOf(job);
  }

  // ---- recurring slots -----------------------------------------------------------------------

  private runOccurrence(occurrence: Occurrence, waitsForOverlap: boolean): void {
    const job = occurrence.job;
    const run = Run.forOccurrence(job, occurrence, waitsForOverlap);
    this.runs.add(run);
    if (job.descriptor.placement === "every-node") {
      this.lifecycle.admit(run);
      return;
    }
    let claim: MaybePromise<boolean>;
    try {
      claim = this.options.store.claimOccurrence(
        job.name,
        occurrence.recurrence.clusterSlotKey(occurrence.dueTimeMs),
      );
    } catch (error) {
      this.claimFailed(run, error);
      return;
    }
    if (!isPromise(claim)) {
      this.afterOccurrenceClaim(run, claim);
      return;
    }
    this.writes.track(
      claim.then(
        (won) => this.afterOccurrenceClaim(run, won),
        (error: unknown) => this.claimFailed(run, error),
      ),
    );
  }

  private afterOccurrenceClaim(run: Run, won: boolean): void {
    if (run.phase !== "claimed") return;
    if (won) this.lifecycle.admit(run);
    else this.lifecycle.finish(run, "skipped", OutcomeMessage.claimedElsewhere);
  }

  private claimFailed(run: Run, error: unknown): void {
    this.options.logger.warn(
      `occurrence claim of job "${run.jobName}" failed; skipping the slot (fail-closed)`,
      { error: messageOf(error) },
    );
    if (run.phase === "claimed")
      this.lifecycle.finish(run, "skipped", OutcomeMessage.claimedElsewhere);
  }

  private recordOccurrenceEnd(
    occurrence: Occurrence,
    status: "skipped" | "cancelled",
    message: string,
  ): void {
    const nowMs = this.options.clock.now();
    this.options.instrumentation?.runEnded(
      observedOccurrence(occurrence),
      status,
      message,
      undefined,
    );
    this.lifecycle.recordOutcome({
      runId: occurrence.runId,
      jobId: occurrence.jobId,
      jobName: occurrence.job.name,
      dueTime: new Date(occurrence.dueTimeMs),
      startedAt: null,
      completedAt: new Date(nowMs),
      isRuntimeScheduled: false,
      status,
      message,
    });
  }

  // ---- trigger -------------------------------------------------------------------------------

  /**
   * Runs a recurring job now, off its grid: a run with its own ids, due now, through the job's
   * overlap, group and slot gates like a slot of its chain, which it leaves as it is. It is this
   * process's run (no cluster claim: the call itself is the one request). A disabled or paused job
   * records it `skipped` (`"disabled"` / `"paused"`) like its slots.
   */
  trigger(job: RegisteredJob): { jobId: string; runId: string; dueTimeMs: number } {
    const slot = { jobId: newId(), runId: newId(), dueTimeMs: this.options.clock.now() };
    const run = Run.forOccurrence(job, slot, false);
    run.offGrid = true;
    this.runs.add(run);
    if (!this.occurrences.scheduleOf(job).enabled)
      this.lifecycle.finish(run, "skipped", OutcomeMessage.disabled);
    else if (this.isPaused(job.name)) this.lifecycle.finish(run, "skipped", OutcomeMessage.paused);
    else this.lifecycle.admit(run);
    return slot;
  }

  // ---- cancel --------------------------------------------------------------------------------

  /** Cancels by run id: see {@link Cancellations.cancelRun}. */
  cancelRun(runId: string): Promise<boolean> {
    return this.cancellations.cancelRun(runId);
  }

  /** Cancels by job id: see {@link Cancellations.cancelJob}. */
  cancelJob(jobId: string): Promise<boolean> {
    return this.cancellations.cancelJob(jobId);
  }

  /** A store (e.g. another worker's cancel) asks to abort a run of this process. */
  abortRunById(runId: string): void {
    this.cancellations.abortRunById(runId);
  }

  private runEnded(): void {
    this.loop.slotReleased();
    if (this.idleWaiters.length > 0) this.notifyIdleWaiters();
  }

  // ---- settle, idle, stop --------------------------------------------------------------------

  /**
   * Resolves once everything due by `clock.now()` has been dispatched and bookkeeping (including
   * bodies that finish without real I/O) has settled. Registered with a test clock.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      while (this.loop.draining !== null || this.writes.size > 0) {
        if (this.loop.draining !== null) await this.loop.draining;
        else await this.writes.allSettled();
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.loop.isIdle && this.writes.size === 0) return;
    }
  }

  /** Resolves when no run of this process is active and nothing is due now. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.settle();
      if (this.state !== "running") return;
      if (this.runs.size === 0 && !(await this.hasDueWork())) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private async hasDueWork(): Promise<boolean> {
    if (!this.options.runsJobs) return false;
    const nowMs = this.options.clock.now();
    const occurrence = this.occurrences.nextDueTime();
    if (occurrence !== null && occurrence <= nowMs) return true;
    const stored = this.options.store.nextDueTime();
    const next = isPromise(stored) ? await stored : stored;
    return next !== null && next <= nowMs;
  }

  private notifyIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Shutdown: no new claims; pending slots dropped; runs waiting at a gate end `cancelled` /
   * `"scheduler shutdown"` without starting (a durable store gives them back); running bodies are
   * aborted (reason shutdown) — with `drain`, left to finish — and awaited until `timeoutMs`
   * (measured on the clock). At the deadline every run still here is abandoned (see
   * {@link abandonAtDeadline}) and stop returns.
   */
  async stop(
    options: { readonly drain: boolean; readonly timeoutMs: number } = {
      drain: false,
      timeoutMs: 30_000,
    },
  ): Promise<void> {
    if (this.state !== "running") return;
    this.state = "stopping";
    let deadlinePassed = false;
    let onDeadline: () => void = () => undefined;
    const deadline = new Promise<void>((resolve) => (onDeadline = resolve));
    const timer = this.options.clock.setTimer(this.options.clock.now() + options.timeoutMs, () => {
      deadlinePassed = true;
      onDeadline();
      this.notifyIdleWaiters();
    });
    this.loop.cancelTimer();
    this.occurrences.clear();
    if (this.loop.draining !== null) await Promise.race([this.loop.draining, deadline]);
    for (const run of this.runs.toArray()) {
      if (options.drain && (run.phase === "running" || run.phase === "starting")) continue;
      this.lifecycle.abortLocal(run, "shutdown");
    }
    while (!deadlinePassed && (this.runs.size > 0 || this.writes.size > 0)) {
      if (this.writes.size > 0) await Promise.race([this.writes.allSettled(), deadline]);
      else await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    timer.cancel();
    if (deadlinePassed) {
      for (const run of this.runs.toArray()) this.lifecycle.abandonAtDeadline(run);
    }
    this.unregisterSettle?.();
    this.unregisterSettle = null;
    this.state = "stopped";
    this.notifyIdleWaiters();
  }

  // ---- snapshot views ------------------------------------------------------------------------

  /** Pending recurring slots as queued runs. */
  queuedOccurrences(): RunInfo[] {
    return this.occurrences.pendingRunInfos();
  }

  /** Recurring runs of this process between claim and outcome. */
  activeOccurrenceRuns(): RunInfo[] {
    return [...this.runs.recurring()].map((run) => ({
      runId: run.runId,
      jobId: run.jobId,
      jobName: run.jobName,
      dueTime: new Date(run.dueTimeMs),
      startedAt: run.startedAtMs === null ? null : new Date(run.startedAtMs),
      isRuntimeScheduled: false,
      status: "running" as const,
    }));
  }

  /** Earliest pending recurring slot per job name. */
  nextOccurrenceDueTimes(): Map<string, number> {
    return this.occurrences.nextDueTimesByJob();
  }

  /** Bodies of this process left behind and not settled yet, for `snapshot()`. */
  abandonedRuns(): AbandonedRunInfo[] {
    return this.lifecycle.abandonedRuns();
  }
}
