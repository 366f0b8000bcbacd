import type { Clock } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { retryDelayMs } from "../policy/backoff.js";
import type { ServiceTable } from "../registry/job-registry.js";
import type { Instrumentation, ObservedRun } from "../state/instrumentation.js";
import { LatestOutcomes } from "../state/latest-outcomes.js";
import type { OutcomeInfo, RunInfo } from "../state/run-info.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { CancelResult, ClaimedRun, JobStore, RunTicket } from "../stores/job-store.js";
import type { AbandonedRunInfo } from "../state/run-info.js";
import { AbandonedBodies, type AbandonedBody } from "./abandoned-bodies.js";
import { ActiveRuntimeRuns } from "./active-runtime-runs.js";
import { ClusterGateKeeper } from "./cluster-gate-keeper.js";
import { DrainLoop } from "./drain-loop.js";
import { Gates } from "./gates.js";
import type { JobSchedule } from "./job-schedule.js";
import { RecurringOccurrences, type Occurrence } from "./recurring-occurrences.js";
import type { RegisteredJob } from "./registered-job.js";
import { RunExecutor } from "./run-executor.js";
import { runLogFields } from "./run-log-fields.js";
import { Run } from "./run.js";
import { ScheduleChains } from "./schedule-chains.js";
import { StartConfirmations } from "./start-confirmations.js";

/**
 * Slot waiters whose start is confirmed ahead, per global slot (see {@link StartConfirmations}):
 * enough to cover a store round trip of no-op bodies, few enough that a run confirmed ahead
 * starts within a few bodies' time.
 */
const STARTS_AHEAD_PER_SLOT = 16;

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
 * is woken early by enqueue/cancel/store pushes, claims due runs, passes them through the gates and
 * hands them to the executor; records outcomes; stops cleanly.
 */
export class Dispatcher {
  private state: "idle" | "running" | "stopping" | "stopped" = "idle";
  private readonly gates: Gates;
  private readonly clusterGates: ClusterGateKeeper;
  private readonly executor: RunExecutor;
  private readonly occurrences: RecurringOccurrences;
  private readonly chains: ScheduleChains;
  readonly recurringOutcomes = new LatestOutcomes();
  /** Runtime runs of this process between claim and outcome. */
  private readonly runtimeRuns = new ActiveRuntimeRuns();
  /** Recurring runs of this process between claim and outcome, by run id and by job id. */
  private readonly recurringRuns = new Map<string, Run>();
  private readonly recurringByJobId = new Map<string, Run>();
  private readonly loop: DrainLoop;
  private readonly confirmations: StartConfirmations;
  private readonly pendingWrites = new Set<Promise<unknown>>();
  /** Bodies left behind (see {@link AbandonedBodies}). */
  private readonly abandonedBodies = new AbandonedBodies();
  private idleWaiters: Array<() => void> = [];
  private unregisterSettle: (() => void) | null = null;
  /** Whether a job name is paused, as the store knows it now. */
  readonly isPaused: (jobName: string) => boolean;
  /** Telemetry hooks (`options.instrumentation`), `null` when off. */
  private readonly instrumentation: Instrumentation | null;

  constructor(private readonly options: DispatcherOptions) {
    this.instrumentation = options.instrumentation;
    const store = options.store;
    this.isPaused = (jobName) => store.isJobPaused(jobName);
    this.gates = new Gates(options.maxConcurrentExecutions, {
      start: (run) => this.startRun(run),
      skip: (run, message) => this.finish(run, "skipped", message),
    });
    this.clusterGates = new ClusterGateKeeper(store, options.logger, {
      proceed: (run) => this.startPastGates(run),
      skip: (run, message) => this.finish(run, "skipped", message),
      giveBack: (run) => {
        this.endWithoutWrite(run, null);
        this.write(store.releaseRun(ticketOf(run)), run);
      },
      track: (result) => this.write(result),
    });
    this.executor = new RunExecutor(
      options.clock,
      options.services,
      {
        finished: (run, status, message, error) => this.finish(run, status, message, error),
        failedAttempt: (run, message, error) => this.retryLater(run, message, error),
        abandoned: (run, reason) => this.abandoned(run, reason),
        abandonedBodySettled: (record) => this.abandonedBodySettled(record as AbandonedBody),
        track: (step) => this.write(step),
      },
      options.instrumentation,
    );
    this.occurrences = new RecurringOccurrences(options.maxMisfireCatchUpRuns, {
      run: (occurrence, waitsForOverlap) => this.runOccurrence(occurrence, waitsForOverlap),
      ended: (occurrence, status, message) => this.recordOccurrenceEnd(occurrence, status, message),
      isPaused: this.isPaused,
    });
    this.chains = new ScheduleChains(
      options.store,
      options.clock,
      options.logger,
      options.maxMisfireCatchUpRuns,
      options.jobs,
      {
        track: (result) => this.write(result),
        wake: () => this.wake(),
        forgetGateIfIdle: (gateJob) => this.gates.forgetIfIdle(gateJob),
      },
    );
    this.confirmations = new StartConfirmations(
      store,
      () => options.clock.now(),
      store.allowStart !== undefined ? STARTS_AHEAD_PER_SLOT * options.maxConcurrentExecutions : 0,
      {
        answered: (run, allowed) =>
          allowed
            ? this.confirmStart(run, options.clock.now())
            : this.afterStartConfirmed(run, false, options.clock.now()),
        refusedWhileWaiting: (run) => this.endWithoutWrite(run, null),
        failed: (run, error) => this.startNotRecorded(run, error),
        track: (answer) => this.write(answer),
      },
    );
    this.loop = new DrainLoop(options.clock, options.store, options.logger, {
      isRunning: () => this.state === "running",
      runsJobs: options.runsJobs,
      fireOccurrences: (nowMs) => this.occurrences.fireDue(nowMs),
      nextOccurrenceDue: () => this.occurrences.nextDueTime(),
      waitingForSlot: () => this.gates.waitingForSlot,
      claimStarts: () => ({
        atOnce: Math.max(
          0,
          options.maxConcurrentExecutions - this.gates.activeSlots - this.gates.waitingForSlot,
        ),
        ahead: this.confirmations.room,
      }),
      admit: (claimed) => this.admitClaimed(claimed),
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

  /**
   * Admits one claimed run. Whatever goes wrong with it ends that run `failed` with the reason:
   * the runs claimed in the same batch are admitted after it, and no claimed run is left leased
   * with nobody to finish it.
   */
  private admitClaimed(claimed: ClaimedRun): void {
    try {
      this.admitClaimedRun(claimed);
    } catch (error) {
      const message = `Run ${claimed.runId} of job "${claimed.jobName}" (job ${claimed.jobId}) could not be started: ${messageOf(error)}.`;
      this.options.logger.error(message, {
        jobId: claimed.jobId,
        runId: claimed.runId,
        error: messageOf(error),
      });
      const run = this.runtimeRuns.find(claimed.runId, claimed.jobId);
      if (run !== undefined && run.phase !== "done") this.finish(run, "failed", message, error);
      else if (run === undefined) {
        this.write(
          this.options.store.completeRun(
            { claimed, attempt: claimed.attempt },
            {
              status: "failed",
              message,
              completedAtMs: this.options.clock.now(),
              startedAtMs: null,
            },
          ),
        );
      }
    }
  }

  private admitClaimedRun(claimed: ClaimedRun): void {
    const job = this.options.jobs.get(claimed.jobName);
    // An occurrence of a run-time schedule plans its chain first, whatever becomes of this run.
    const occurrenceSkip =
      claimed.occurrence !== null ? this.chains.claimed(claimed, this.options.clock.now()) : null;
    if (job === undefined || job.invoke === null) {
      const known = [...this.options.jobs.keys()].join(", ");
      this.write(
        this.options.store.completeRun(
          { claimed, attempt: claimed.attempt },
          {
            status: "failed",
            message: `Job "${claimed.jobName}" is not registered in this process (registered: ${known || "none"}); deploy a build whose registry contains it.`,
            completedAtMs: this.options.clock.now(),
            startedAtMs: null,
          },
        ),
      );
      return;
    }
    let payload = claimed.payload;
    const codec = job.descriptor.payloadCodec;
    if (codec) {
      // A stored payload this build cannot read ends its run here, never in the job or the loop.
      try {
        payload = codec.decode(payload);
      } catch (error) {
        const message =
          `The stored payload of job "${claimed.jobName}" (job ${claimed.jobId}) cannot be read: ${messageOf(error)}. ` +
          `It was probably written by another deployment; re-enqueue it with a valid payload.`;
        this.options.logger.error(message, { jobId: claimed.jobId, runId: claimed.runId });
        this.write(
          this.options.store.completeRun(
            { claimed, attempt: claimed.attempt },
            {
              status: "failed",
              message,
              completedAtMs: this.options.clock.now(),
              startedAtMs: null,
            },
          ),
        );
        return;
      }
    }
    const occurrence = claimed.occurrence;
    const run = Run.forClaimed(
      occurrence !== null ? this.chains.gateJobOf(job, occurrence) : job,
      claimed,
      payload,
    );
    this.runtimeRuns.add(run);
    if (occurrenceSkip !== null) {
      this.finish(run, "skipped", occurrenceSkip);
      return;
    }
    if (!job.descriptor.enabled) {
      // A disabled job keeps accepting runs (other processes may enable it) but runs none: each
      // ends at its due time, recorded like a disabled recurring slot (docs/semantics.md#states).
      this.finish(run, "skipped", OutcomeMessage.disabled);
      return;
    }
    this.gates.admit(run);
    if (run.phase === "waiting-slot") this.confirmations.waitingForSlot(run);
  }

  private runOccurrence(occurrence: Occurrence, waitsForOverlap: boolean): void {
    const job = occurrence.job;
    const run = Run.forOccurrence(job, occurrence, waitsForOverlap);
    this.recurringRuns.set(run.runId, run);
    this.recurringByJobId.set(run.jobId, run);
    if (job.descriptor.placement === "every-node") {
      this.gates.admit(run);
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
    this.write(
      claim.then(
        (won) => this.afterOccurrenceClaim(run, won),
        (error: unknown) => this.claimFailed(run, error),
      ),
    );
  }

  private afterOccurrenceClaim(run: Run, won: boolean): void {
    if (run.phase !== "claimed") return;
    if (won) this.gates.admit(run);
    else this.finish(run, "skipped", OutcomeMessage.claimedElsewhere);
  }

  private claimFailed(run: Run, error: unknown): void {
    this.options.logger.warn(
      `occurrence claim of job "${run.jobName}" failed; skipping the slot (fail-closed)`,
      { error: messageOf(error) },
    );
    if (run.phase === "claimed") this.finish(run, "skipped", OutcomeMessage.claimedElsewhere);
  }

  private recordOccurrenceEnd(
    occurrence: Occurrence,
    status: "skipped" | "cancelled",
    message: string,
  ): void {
    const nowMs = this.options.clock.now();
    this.instrumentation?.runEnded(observedOccurrence(occurrence), status, message, undefined);
    this.recordOutcome({
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

  /**
   * A run passed the gates. A runtime run's body starts only once the store confirms the start
   * (a cancel recorded meanwhile, possibly by another process, answers `false`). Nothing of a job
   * name paused meanwhile starts: see {@link holdBackPaused}.
   */
  private startRun(run: Run): void {
    if (this.isPaused(run.jobName)) {
      this.holdBackPaused(run);
      return;
    }
    this.clusterGates.admit(run);
  }

  /** Past every gate, this process's and the cluster's: start the body (a runtime run once the store confirms). */
  private startPastGates(run: Run): void {
    const nowMs = this.options.clock.now();
    if (!run.isRuntimeScheduled) {
      if (run.cancelCause !== null) {
        // Cancelled or shut down while its cluster gate was being taken.
        this.finish(
          run,
          "cancelled",
          run.cancelCause === "shutdown"
            ? OutcomeMessage.schedulerShutdown
            : OutcomeMessage.cancelled,
        );
        return;
      }
      this.executor.start(run, nowMs);
      return;
    }
    const early = this.confirmations.take(run);
    if (early === "refused") {
      this.afterStartConfirmed(run, false, nowMs);
      return;
    }
    if (early === "pending") {
      run.phase = "starting"; // StartConfirmations calls back with the answer
      return;
    }
    this.confirmStart(run, nowMs);
  }

  /** Asks the store whether the body may start (at once for a run allowed ahead), then starts it. */
  private confirmStart(run: Run, nowMs: number): void {
    const confirmed = this.options.store.markStarted(ticketOf(run), nowMs);
    if (!isPromise(confirmed)) {
      this.afterStartConfirmed(run, confirmed, nowMs);
      return;
    }
    run.phase = "starting";
    this.write(
      confirmed.then(
        (allowed) => this.afterStartConfirmed(run, allowed, this.options.clock.now()),
        (error: unknown) => this.startNotRecorded(run, error),
      ),
    );
  }

  private startNotRecorded(run: Run, error: unknown): void {
    this.options.logger.error(
      `could not record the start of run ${run.runId} of job "${run.jobName}"; the run is given back`,
      runLogFields(run, this.instrumentation, { error: messageOf(error) }),
    );
    this.releaseUnstarted(run);
  }

  private afterStartConfirmed(run: Run, allowed: boolean, nowMs: number): void {
    if (run.phase === "done") return; // cancelled, or stop's deadline ended it, meanwhile
    if (!allowed) {
      // The store recorded its end (a cancel came first) or assigns it to another process now.
      this.endWithoutWrite(run, null);
      return;
    }
    if (run.cancelCause === "shutdown") this.releaseUnstarted(run);
    else if (run.cancelCause !== null) this.finish(run, "cancelled", OutcomeMessage.cancelled);
    else this.executor.start(run, nowMs);
  }

  /**
   * A run that passed the gates after its job name was paused: a recurring slot ends `skipped` /
   * `"paused"`; a runtime run goes back to the store's queue unchanged, to wait for `resumeJob`.
   * Either way it gives back what it holds at the gates.
   */
  private holdBackPaused(run: Run): void {
    run.phase = "starting"; // it holds its gates: leaving releases them, there is no wait to withdraw from
    if (!run.isRuntimeScheduled) {
      this.finish(run, "skipped", OutcomeMessage.paused);
      return;
    }
    this.endWithoutWrite(run, null);
    this.write(this.options.store.returnRun(ticketOf(run)));
  }

  /** A claimed runtime run that never started leaves this process: the store decides its fate. */
  private releaseUnstarted(run: Run): void {
    if (run.phase === "done") return;
    this.endWithoutWrite(run, OutcomeMessage.schedulerShutdown);
    this.write(this.options.store.releaseRun(ticketOf(run)), run);
  }

  /**
   * Ends a runtime run in this process only: its record is the store's to write (or already
   * written). `reportedMessage`: when set, `onRunOutcome` hears of the run as cancelled with it.
   */
  private endWithoutWrite(run: Run, reportedMessage: string | null): void {
    if (run.phase === "done") return;
    this.confirmations.leave(run);
    if (run.phase !== "running" && run.phase !== "starting") this.gates.withdraw(run);
    run.phase = "done";
    this.forgetRuntimeRun(run);
    this.gates.release(run);
    this.clusterGates.release(run);
    const occurrence = run.claimed!.occurrence;
    if (occurrence !== null) {
      this.chains.released(run.job, occurrence.scheduleKey);
      // Its head may have ended without this process (cancelled elsewhere before it started).
      if (this.state === "running") void this.chains.repair(occurrence.scheduleKey);
    }
    if (reportedMessage !== null) {
      this.instrumentation?.runEnded(run, "cancelled", reportedMessage, undefined);
      this.options.onRunOutcome?.(
        outcomeOf(run, "cancelled", reportedMessage, this.options.clock.now()),
      );
    }
    this.afterRunEnded();
  }

  private finish(
    run: Run,
    status: OutcomeInfo["status"],
    message: string | null,
    error?: unknown,
  ): void {
    if (run.phase === "done") return;
    this.confirmations.leave(run);
    if (run.phase !== "running" && run.phase !== "starting") this.gates.withdraw(run);
    run.phase = "done";
    const nowMs = this.options.clock.now();
    if (run.isRuntimeScheduled) {
      this.forgetRuntimeRun(run);
      const completion = { status, message, completedAtMs: nowMs, startedAtMs: run.startedAtMs };
      const occurrence = run.claimed!.occurrence;
      // A fixed-delay schedule plans its next slot before this outcome is written (see ScheduleChains).
      const planned = occurrence !== null ? this.chains.ended(run.claimed!, nowMs) : undefined;
      if (planned === undefined)
        this.write(this.options.store.completeRun(ticketOf(run), completion), run);
      else if (!isPromise(planned))
        this.write(this.options.store.completeRun(ticketOf(run), completion), run);
      else
        this.write(
          planned.then(() => this.options.store.completeRun(ticketOf(run), completion)),
          run,
        );
      if (this.options.onRunOutcome !== undefined)
        this.options.onRunOutcome(outcomeOf(run, status, message, nowMs));
    } else {
      this.recurringRuns.delete(run.runId);
      this.recurringByJobId.delete(run.jobId);
      this.recordOutcome(outcomeOf(run, status, message, nowMs));
      if (this.state === "running" && !run.offGrid) {
        this.occurrences.completed(run.job, run.dueTimeMs, nowMs);
        this.wake();
      }
    }
    if (status === "failed") {
      this.options.logger.error(
        `job "${run.jobName}" failed: ${message ?? ""}`,
        runLogFields(run, this.instrumentation, { error: error ?? message }),
      );
    }
    this.instrumentation?.runEnded(run, status, message, error);
    this.gates.release(run);
    this.clusterGates.release(run);
    if (run.isRuntimeScheduled && run.claimed!.occurrence !== null)
      this.chains.released(run.job, run.claimed!.occurrence.scheduleKey);
    this.afterRunEnded();
  }

  private retryLater(run: Run, message: string, error: unknown): void {
    const nowMs = this.options.clock.now();
    let delayMs: number;
    try {
      delayMs = retryDelayMs(run.policy!, run.attempt);
    } catch {
      delayMs = Number.NaN;
    }
    const dueTimeMs = nowMs + delayMs;
    if (!Number.isFinite(dueTimeMs) || !Number.isFinite(new Date(dueTimeMs).getTime())) {
      // A policy this build cannot compute with (a row of another deployment): no retry, and say why.
      const name = run.policy?.name === undefined ? "" : ` "${run.policy.name}"`;
      this.finish(
        run,
        "failed",
        `${message} (not retried: the resilience policy${name} gives no valid retry delay)`,
        error,
      );
      return;
    }
    void run.runId; // fix the failed attempt's run id before the store moves the job to its next run
    run.phase = "done";
    this.forgetRuntimeRun(run);
    this.options.logger.warn(
      `job "${run.jobName}" attempt ${run.attempt}/${run.maxAttempts} failed; retrying at ${new Date(dueTimeMs).toISOString()}`,
      runLogFields(run, this.instrumentation, { error: message }),
    );
    this.instrumentation?.retryScheduled(run, run.attempt + 1, dueTimeMs, delayMs, error);
    this.write(
      this.options.store.scheduleRetry(ticketOf(run), {
        newRunId: newId(),
        attempt: run.attempt + 1,
        dueTimeMs,
        lastError: message,
        failedAtMs: nowMs,
        startedAtMs: run.startedAtMs,
      }),
      run,
    );
    this.gates.release(run);
    this.clusterGates.release(run);
    this.wake();
    this.afterRunEnded();
  }

  /** A body left behind: listed, and it keeps a global slot until it settles. The run ends as the caller decides. */
  private abandoned(run: Run, reason: AbandonedRunInfo["reason"]): AbandonedBody {
    const record = this.abandonedBodies.add(run, reason, this.options.clock.now(), run.holdsSlot);
    if (record.holdsSlot) this.gates.holdSlotForAbandonedBody();
    this.options.logger.warn(
      reason === "timed out"
        ? `run ${run.runId} of job "${run.jobName}" timed out and its body ignored the abort signal; the run ends now, the body keeps a slot until it settles`
        : `run ${run.runId} of job "${run.jobName}" did not stop by the stop deadline (its body ignored the abort signal); it is abandoned`,
      runLogFields(run, this.instrumentation),
    );
    return record;
  }

  private abandonedBodySettled(record: AbandonedBody): void {
    this.abandonedBodies.remove(record);
    if (record.holdsSlot) this.gates.releaseAbandonedBodySlot();
    if (this.state === "running") this.wake();
  }

  /** Bodies of this process left behind and not settled yet, for `snapshot()`. */
  abandonedRuns(): AbandonedRunInfo[] {
    return this.abandonedBodies.list();
  }

  private recordOutcome(outcome: OutcomeInfo): void {
    this.recurringOutcomes.record(outcome);
    this.options.onRunOutcome?.(outcome);
  }

  private afterRunEnded(): void {
    this.loop.slotReleased();
    if (this.idleWaiters.length > 0) this.notifyIdleWaiters();
  }

  /** Tracks a store write so `settle`/`stop` can wait for it; a fenced write that lost its lease is logged. */
  private write(result: MaybePromise<unknown>, run?: Run): void {
    if (isPromise(result)) {
      const tracked = result.then(
        (value) => this.checkFenced(value, run),
        (error: unknown) =>
          this.options.logger.error("store write failed", {
            runId: run?.runId,
            error: messageOf(error),
          }),
      );
      this.pendingWrites.add(tracked);
      void tracked.finally(() => {
        this.pendingWrites.delete(tracked);
        this.notifyIdleWaiters();
      });
      return;
    }
    this.checkFenced(result, run);
  }

  private checkFenced(value: unknown, run: Run | undefined): void {
    if (value === false && run !== undefined) {
      this.options.logger.warn(
        `the outcome of run ${run.runId} of job "${run.jobName}" was not recorded: the store no longer assigns it to this process`,
        runLogFields(run, this.instrumentation),
      );
    }
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
    this.recurringRuns.set(run.runId, run);
    this.recurringByJobId.set(run.jobId, run);
    if (!this.occurrences.scheduleOf(job).enabled)
      this.finish(run, "skipped", OutcomeMessage.disabled);
    else if (this.isPaused(job.name)) this.finish(run, "skipped", OutcomeMessage.paused);
    else this.gates.admit(run);
    return slot;
  }

  // ---- cancel --------------------------------------------------------------------------------

  /** Cancels by run id: a pending recurring slot, a recurring run here, or a runtime run in the store. */
  async cancelRun(runId: string): Promise<boolean> {
    const occurrence = this.occurrences.find(runId, "run");
    if (occurrence !== undefined) return this.cancelOccurrence(occurrence);
    const local = this.recurringRuns.get(runId);
    if (local !== undefined) return this.abortLocal(local, "cancel");
    const result = this.options.store.cancelRun(runId, this.options.clock.now());
    const settled = isPromise(result) ? await result : result;
    await this.continueSchedule(settled);
    return this.applyCancel(settled);
  }

  /**
   * A cancelled occurrence skips its slot only: its schedule goes on with the next one, planned
   * before the cancel answers (so `listSchedules` right after shows it).
   */
  private async continueSchedule(result: CancelResult): Promise<void> {
    if (result.outcome === "cancelled-before-start" && result.scheduleKey != null)
      await this.chains.repair(result.scheduleKey);
  }

  /** Cancels by job id: the job's pending slot or current run. */
  async cancelJob(jobId: string): Promise<boolean> {
    const occurrence = this.occurrences.find(jobId, "job");
    if (occurrence !== undefined) return this.cancelOccurrence(occurrence);
    const local = this.recurringByJobId.get(jobId);
    if (local !== undefined) return this.abortLocal(local, "cancel");
    const result = this.options.store.cancelJob(jobId, this.options.clock.now());
    const settled = isPromise(result) ? await result : result;
    await this.continueSchedule(settled);
    return this.applyCancel(settled);
  }

  /** A store (e.g. another worker's cancel) asks to abort a run of this process. */
  abortRunById(runId: string): void {
    const run = this.findRun(runId, null);
    if (run !== undefined) this.abortLocal(run, "cancel");
  }

  /** A run of this process by run id (and job id when known, which avoids a search). */
  private findRun(runId: string, jobId: string | null | undefined): Run | undefined {
    const recurring = this.recurringRuns.get(runId);
    if (recurring !== undefined) return recurring;
    return this.runtimeRuns.find(runId, jobId);
  }

  private cancelOccurrence(occurrence: Occurrence): boolean {
    this.occurrences.cancel(occurrence, this.options.clock.now());
    this.wake();
    return true;
  }

  private applyCancel(result: CancelResult): boolean {
    switch (result.outcome) {
      case "cancelled-before-start":
        if (result.jobName != null && this.instrumentation !== null) {
          this.instrumentation.pendingRunCancelled({
            jobName: result.jobName,
            jobId: result.jobId ?? "",
            runId: result.runId!,
            traceContext: result.traceContext ?? null,
          });
        }
        return true;
      case "abort-active": {
        const run =
          result.ownedHere && result.runId !== null
            ? this.findRun(result.runId, result.jobId)
            : undefined;
        if (run !== undefined) this.abortLocal(run, "cancel");
        return true;
      }
      case "not-found":
        return false;
    }
  }

  private abortLocal(run: Run, cause: "cancel" | "shutdown"): boolean {
    if (run.phase === "done") return false;
    if (run.phase === "running") this.executor.abort(run, cause);
    else if (run.phase === "starting")
      run.cancelCause ??= cause; // decided when the store confirms the start
    else if (cause === "shutdown" && run.isRuntimeScheduled) this.releaseUnstarted(run);
    else
      this.finish(
        run,
        "cancelled",
        cause === "shutdown" ? OutcomeMessage.schedulerShutdown : OutcomeMessage.cancelled,
      );
    return true;
  }

  private forgetRuntimeRun(run: Run): void {
    this.runtimeRuns.remove(run);
  }

  private get runsInProcess(): number {
    return this.runtimeRuns.size + this.recurringRuns.size;
  }

  // ---- settle, idle, stop --------------------------------------------------------------------

  /**
   * Resolves once everything due by `clock.now()` has been dispatched and bookkeeping (including
   * bodies that finish without real I/O) has settled. Registered with a test clock.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      while (this.loop.draining !== null || this.pendingWrites.size > 0) {
        if (this.loop.draining !== null) await this.loop.draining;
        else await Promise.allSettled([...this.pendingWrites]);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.loop.isIdle && this.pendingWrites.size === 0) return;
    }
  }

  /** Resolves when no run of this process is active and nothing is due now. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.settle();
      if (this.state !== "running") return;
      if (this.runsInProcess === 0 && !(await this.hasDueWork())) return;
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
    for (const run of [...this.runtimeRuns.toArray(), ...this.recurringRuns.values()]) {
      if (options.drain && (run.phase === "running" || run.phase === "starting")) continue;
      this.abortLocal(run, "shutdown");
    }
    while (!deadlinePassed && (this.runsInProcess > 0 || this.pendingWrites.size > 0)) {
      if (this.pendingWrites.size > 0)
        await Promise.race([Promise.allSettled([...this.pendingWrites]), deadline]);
      else await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    timer.cancel();
    if (deadlinePassed) {
      for (const run of [...this.runtimeRuns.toArray(), ...this.recurringRuns.values()])
        this.abandonAtDeadline(run);
    }
    this.unregisterSettle?.();
    this.unregisterSettle = null;
    this.state = "stopped";
    this.notifyIdleWaiters();
  }

  /**
   * Stop's deadline passed and `run` has not ended: its body (if one runs) is left behind and the
   * run ends without it. A runtime run is the store's to settle (`abandonRun`: the memory store
   * records it `cancelled` / `"scheduler shutdown"`, a durable one stops extending its lease so
   * another worker runs it again); a run that never started is given back like any at shutdown.
   */
  private abandonAtDeadline(run: Run): void {
    if (run.phase === "done") return;
    const started = run.phase === "running";
    if (started) this.executor.abandonAtStop(run);
    if (!run.isRuntimeScheduled) {
      this.finish(run, "cancelled", OutcomeMessage.schedulerShutdown);
      return;
    }
    if (!started) {
      this.releaseUnstarted(run);
      return;
    }
    this.endWithoutWrite(run, OutcomeMessage.schedulerShutdown);
    this.write(this.options.store.abandonRun(ticketOf(run)), run);
  }

  // ---- snapshot views ------------------------------------------------------------------------

  /** Pending recurring slots as queued runs. */
  queuedOccurrences(): RunInfo[] {
    return this.occurrences.pendingRunInfos();
  }

  /** Recurring runs of this process between claim and outcome. */
  activeOccurrenceRuns(): RunInfo[] {
    return [...this.recurringByJobId.values()].map((run) => ({
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
}

/**
 * The ticket of a runtime run: the run itself. Invariant: a runtime run always carries the claimed
 * object it was made from (`Run.forClaimed`); only recurring runs have `claimed === null`.
 */
function ticketOf(run: Run): RunTicket {
  return run as RunTicket;
}

/** A recurring slot that ended without a run, as telemetry sees it. */
function observedOccurrence(occurrence: Occurrence): ObservedRun {
  return {
    jobName: occurrence.job.name,
    jobId: occurrence.jobId,
    runId: occurrence.runId,
    attempt: 1,
    maxAttempts: 1,
    correlationId: null,
    dueTimeMs: occurrence.dueTimeMs,
    startedAtMs: null,
    isRuntimeScheduled: false,
    traceContext: null,
    observation: null,
  };
}

function outcomeOf(
  run: Run,
  status: OutcomeInfo["status"],
  message: string | null,
  completedAtMs: number,
): OutcomeInfo {
  return {
    runId: run.runId,
    jobId: run.jobId,
    jobName: run.jobName,
    dueTime: new Date(run.dueTimeMs),
    startedAt: run.startedAtMs === null ? null : new Date(run.startedAtMs),
    completedAt: new Date(completedAtMs),
    isRuntimeScheduled: run.isRuntimeScheduled,
    status,
    message,
  };
}
