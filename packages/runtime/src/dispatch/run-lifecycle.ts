import type { Clock } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { isPromise } from "../core/maybe-promise.js";
import { retryDelayMs } from "../policy/backoff.js";
import type { ServiceTable } from "../registry/job-registry.js";
import type { Instrumentation } from "../state/instrumentation.js";
import type { LatestOutcomes } from "../state/latest-outcomes.js";
import type { AbandonedRunInfo, OutcomeInfo } from "../state/run-info.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { JobStore } from "../stores/job-store.js";
import { AbandonedBodies, type AbandonedBody } from "./abandoned-bodies.js";
import { ClusterGateKeeper } from "./cluster-gate-keeper.js";
import { Gates } from "./gates.js";
import type { LocalRuns } from "./local-runs.js";
import type { RecurringOccurrences } from "./recurring-occurrences.js";
import type { RegisteredJob } from "./registered-job.js";
import { RunExecutor } from "./run-executor.js";
import { runLogFields } from "./run-log-fields.js";
import { outcomeOf, ticketOf } from "./run-outcomes.js";
import type { Run } from "./run.js";
import type { ScheduleChains } from "./schedule-chains.js";
import { StartConfirmations } from "./start-confirmations.js";
import type { StoreWrites } from "./store-writes.js";

/**
 * Slot waiters whose start is confirmed ahead, per global slot (see {@link StartConfirmations}):
 * enough to cover a store round trip of no-op bodies, few enough that a run confirmed ahead
 * starts within a few bodies' time.
 */
const STARTS_AHEAD_PER_SLOT = 16;

/** What a run's lifecycle needs of the dispatcher that owns it. */
export interface RunLifecycleHost {
  /** The dispatcher is running (not stopping or stopped). */
  isRunning(): boolean;
  /** New or earlier work may exist: drain soon. */
  wake(): void;
  /** A run of this process ended (its slot is free; idle waiters may look again). */
  runEnded(): void;
}

/** What the lifecycle is built from; the dispatcher hands it its own parts. */
export interface RunLifecycleDeps {
  readonly clock: Clock;
  readonly store: JobStore;
  readonly services: ServiceTable;
  readonly logger: Logger;
  readonly maxConcurrentExecutions: number;
  readonly onRunOutcome: ((outcome: OutcomeInfo) => void) | undefined;
  readonly instrumentation: Instrumentation | null;
  readonly occurrences: RecurringOccurrences;
  readonly chains: ScheduleChains;
  readonly runs: LocalRuns;
  readonly writes: StoreWrites;
  readonly recurringOutcomes: LatestOutcomes;
}

/**
 * One run of this process from the gates to its outcome (docs/semantics.md, "Overlap and
 * concurrency", "Cancellation", "Retries"): this process's gates, then the cluster's, then — for a
 * runtime run — the store's permission to start (a cancel recorded first, possibly by another
 * process, refuses it), the body, and one outcome written: finished, retried later, handed back to
 * the queue, or abandoned when a body ignores its abort signal past a timeout or stop's deadline.
 */
export class RunLifecycle {
  private readonly gates: Gates;
  private readonly clusterGates: ClusterGateKeeper;
  private readonly executor: RunExecutor;
  private readonly confirmations: StartConfirmations;
  /** Bodies left behind (see {@link AbandonedBodies}). */
  private readonly abandonedBodies = new AbandonedBodies();

  constructor(
    private readonly deps: RunLifecycleDeps,
    private readonly host: RunLifecycleHost,
  ) {
    const { store, clock, writes } = deps;
    this.gates = new Gates(deps.maxConcurrentExecutions, {
      start: (run) => this.startRun(run),
      skip: (run, message) => this.finish(run, "skipped", message),
      waitForCluster: (run) => this.clusterGates.waitFor(run),
    });
    this.clusterGates = new ClusterGateKeeper(store, deps.logger, {
      proceed: (run) => this.startPastGates(run),
      skip: (run, message) => this.finish(run, "skipped", message),
      passedWait: (run) => this.gates.passedClusterWait(run),
      giveBack: (run) => {
        this.endWithoutWrite(run, null);
        writes.track(store.releaseRun(ticketOf(run)), run);
      },
      track: (result) => writes.track(result),
    });
    this.executor = new RunExecutor(
      clock,
      deps.services,
      {
        finished: (run, status, message, error) => this.finish(run, status, message, error),
        failedAttempt: (run, message, error) => this.retryLater(run, message, error),
        abandoned: (run, reason) => this.abandoned(run, reason),
        abandonedBodySettled: (record) => this.abandonedBodySettled(record as AbandonedBody),
        track: (step) => writes.track(step),
      },
      deps.instrumentation,
    );
    this.confirmations = new StartConfirmations(
      store,
      () => clock.now(),
      store.allowStart !== undefined ? STARTS_AHEAD_PER_SLOT * deps.maxConcurrentExecutions : 0,
      {
        answered: (run, allowed) =>
          allowed
            ? this.confirmStart(run, clock.now())
            : this.afterStartConfirmed(run, false, clock.now()),
        refusedWhileWaiting: (run) => this.endWithoutWrite(run, null),
        failed: (run, error) => this.startNotRecorded(run, error),
        track: (answer) => writes.track(answer),
      },
    );
  }

  /** Runs waiting for a global slot (the drain loop claims no more while the queue is long). */
  get waitingForSlot(): number {
    return this.gates.waitingForSlot;
  }

  /** Forgets the gates of `job` if no run holds or waits for them (see {@link Gates.forgetIfIdle}). */
  forgetGateIfIdle(job: RegisteredJob): boolean {
    return this.gates.forgetIfIdle(job);
  }

  /** A new run of this process enters its gates. */
  admit(run: Run): void {
    this.gates.admit(run);
    if (run.isRuntimeScheduled && run.phase === "waiting-slot")
      this.confirmations.waitingForSlot(run);
  }

  /**
   * A run passed this process's gates. A runtime run's body starts only once the store confirms
   * the start (a cancel recorded meanwhile, possibly by another process, answers `false`). Nothing
   * of a job name paused meanwhile starts: see {@link holdBackPaused}.
   */
  private startRun(run: Run): void {
    if (this.deps.store.isJobPaused(run.jobName)) {
      this.holdBackPaused(run);
      return;
    }
    this.clusterGates.admit(run);
  }

  /** Past every gate, this process's and the cluster's: start the body (a runtime run once the store confirms). */
  private startPastGates(run: Run): void {
    const nowMs = this.deps.clock.now();
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
    const confirmed = this.deps.store.markStarted(ticketOf(run), nowMs);
    if (!isPromise(confirmed)) {
      this.afterStartConfirmed(run, confirmed, nowMs);
      return;
    }
    run.phase = "starting";
    this.deps.writes.track(
      confirmed.then(
        (allowed) => this.afterStartConfirmed(run, allowed, this.deps.clock.now()),
        (error: unknown) => this.startNotRecorded(run, error),
      ),
    );
  }

  private startNotRecorded(run: Run, error: unknown): void {
    this.deps.logger.error(
      `could not record the start of run ${run.runId} of job "${run.jobName}"; the run is given back`,
      runLogFields(run, this.deps.instrumentation, { error: messageOf(error) }),
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
    this.deps.writes.track(this.deps.store.returnRun(ticketOf(run)));
  }

  /** A claimed runtime run that never started leaves this process: the store decides its fate. */
  releaseUnstarted(run: Run): void {
    if (run.phase === "done") return;
    this.endWithoutWrite(run, OutcomeMessage.schedulerShutdown);
    this.deps.writes.track(this.deps.store.releaseRun(ticketOf(run)), run);
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
    this.deps.runs.remove(run);
    this.gates.release(run);
    this.clusterGates.release(run);
    const occurrence = run.claimed!.occurrence;
    if (occurrence !== null) {
      this.deps.chains.released(run.job, occurrence.scheduleKey);
      // Its head may have ended without this process (cancelled elsewhere before it started).
      if (this.host.isRunning()) void this.deps.chains.repair(occurrence.scheduleKey);
    }
    if (reportedMessage !== null) {
      this.deps.instrumentation?.runEnded(run, "cancelled", reportedMessage, undefined);
      this.deps.onRunOutcome?.(outcomeOf(run, "cancelled", reportedMessage, this.deps.clock.now()));
    }
    this.host.runEnded();
  }

  /** Ends `run` with its outcome: written to the store (runtime) or recorded here (recurring). */
  finish(run: Run, status: OutcomeInfo["status"], message: string | null, error?: unknown): void {
    if (run.phase === "done") return;
    this.confirmations.leave(run);
    if (run.phase !== "running" && run.phase !== "starting") this.gates.withdraw(run);
    run.phase = "done";
    const { clock, store, chains, writes } = this.deps;
    const nowMs = clock.now();
    this.deps.runs.remove(run);
    if (run.isRuntimeScheduled) {
      const completion = { status, message, completedAtMs: nowMs, startedAtMs: run.startedAtMs };
      const occurrence = run.claimed!.occurrence;
      // A fixed-delay schedule plans its next slot before this outcome is written (see ScheduleChains).
      const planned = occurrence !== null ? chains.ended(run.claimed!, nowMs) : undefined;
      if (planned === undefined || !isPromise(planned))
        writes.track(store.completeRun(ticketOf(run), completion), run);
      else
        writes.track(
          planned.then(() => store.completeRun(ticketOf(run), completion)),
          run,
        );
      if (this.deps.onRunOutcome !== undefined)
        this.deps.onRunOutcome(outcomeOf(run, status, message, nowMs));
    } else {
      this.recordOutcome(outcomeOf(run, status, message, nowMs));
      if (this.host.isRunning() && !run.offGrid) {
        this.deps.occurrences.completed(run.job, run.dueTimeMs, nowMs);
        this.host.wake();
      }
    }
    if (status === "failed") {
      this.deps.logger.error(
        `job "${run.jobName}" failed: ${message ?? ""}`,
        runLogFields(run, this.deps.instrumentation, { error: error ?? message }),
      );
    }
    this.deps.instrumentation?.runEnded(run, status, message, error);
    this.gates.release(run);
    this.clusterGates.release(run);
    if (run.isRuntimeScheduled && run.claimed!.occurrence !== null)
      chains.released(run.job, run.claimed!.occurrence.scheduleKey);
    this.host.runEnded();
  }

  /** Records a recurring run's (or slot's) outcome for the snapshot and `onRunOutcome`. */
  recordOutcome(outcome: OutcomeInfo): void {
    this.deps.recurringOutcomes.record(outcome);
    this.deps.onRunOutcome?.(outcome);
  }

  private retryLater(run: Run, message: string, error: unknown): void {
    const nowMs = this.deps.clock.now();
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
    this.deps.runs.remove(run);
    this.deps.logger.warn(
      `job "${run.jobName}" attempt ${run.attempt}/${run.maxAttempts} failed; retrying at ${new Date(dueTimeMs).toISOString()}`,
      runLogFields(run, this.deps.instrumentation, { error: message }),
    );
    this.deps.instrumentation?.retryScheduled(run, run.attempt + 1, dueTimeMs, delayMs, error);
    this.deps.writes.track(
      this.deps.store.scheduleRetry(ticketOf(run), {
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
    this.host.wake();
    this.host.runEnded();
  }

  /**
   * Aborts a run of this process (a cancel, or shutdown): a running body gets its abort signal; a
   * run being started is decided when the store answers; one still at the gates ends (at shutdown
   * a runtime run goes back to the store). `false` if the run had already ended.
   */
  abortLocal(run: Run, cause: "cancel" | "shutdown"): boolean {
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

  /**
   * Stop's deadline passed and `run` has not ended: its body (if one runs) is left behind and the
   * run ends without it. A runtime run is the store's to settle (`abandonRun`: the memory store
   * records it `cancelled` / `"scheduler shutdown"`, a durable one stops extending its lease so
   * another worker runs it again); a run that never started is given back like any at shutdown.
   */
  abandonAtDeadline(run: Run): void {
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
    this.deps.writes.track(this.deps.store.abandonRun(ticketOf(run)), run);
  }

  /** A body left behind: listed, and it keeps a global slot until it settles. The run ends as the caller decides. */
  private abandoned(run: Run, reason: AbandonedRunInfo["reason"]): AbandonedBody {
    const record = this.abandonedBodies.add(run, reason, this.deps.clock.now(), run.holdsSlot);
    if (record.holdsSlot) this.gates.holdSlotForAbandonedBody();
    this.deps.logger.warn(
      reason === "timed out"
        ? `run ${run.runId} of job "${run.jobName}" timed out and its body ignored the abort signal; the run ends now, the body keeps a slot until it settles`
        : `run ${run.runId} of job "${run.jobName}" did not stop by the stop deadline (its body ignored the abort signal); it is abandoned`,
      runLogFields(run, this.deps.instrumentation),
    );
    return record;
  }

  private abandonedBodySettled(record: AbandonedBody): void {
    this.abandonedBodies.remove(record);
    if (record.holdsSlot) this.gates.releaseAbandonedBodySlot();
    if (this.host.isRunning()) this.host.wake();
  }

  /** Bodies of this process left behind and not settled yet, for `snapshot()`. */
  abandonedRuns(): AbandonedRunInfo[] {
    return this.abandonedBodies.list();
  }
}
