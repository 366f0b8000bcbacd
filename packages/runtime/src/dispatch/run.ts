import type { ScheduledJobContext } from "../authoring/scheduled-job-context.js";
import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { ClockTimer } from "../core/clock.js";
import type { ObservedRun } from "../state/instrumentation.js";
import type { ClaimedRun, ClusterGateTicket, ResilienceMode } from "../stores/job-store.js";
import { abortReason, type AbortCause } from "./abort-reasons.js";
import type { RegisteredJob } from "./registered-job.js";

/**
 * The body of one attempt: whether it has settled, and whether the run left it behind (a timeout or
 * a stop deadline passed while it ignored its signal); `record` is the dispatcher's entry for it then.
 */
export interface AttemptBody {
  settled: boolean;
  abandoned: boolean;
  record: unknown;
}

/** Where a run is between its claim and its outcome. */
export type RunPhase =
  | "claimed"
  | "waiting-overlap"
  | "waiting-group"
  | "waiting-cluster"
  | "waiting-slot"
  | "starting"
  | "running"
  | "done";

/**
 * One run in this process — a claimed runtime run or a recurring occurrence — from the gates to
 * its outcome. It is also the {@link ScheduledJobContext} the body receives, so a run costs one
 * object; the `AbortController` is created only when the body reads `signal`.
 */
export class Run implements ScheduledJobContext, ObservedRun {
  readonly jobId: string;
  readonly jobName: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly isRuntimeScheduled: boolean;
  readonly correlationId: string | null;
  readonly job: RegisteredJob;
  readonly payload: unknown;
  readonly dueTimeMs: number;
  readonly policy: ResiliencePolicy | null;
  readonly mode: ResilienceMode;
  /** Never skipped by the overlap gate (a deferred retry or a catch-up slot): it waits instead. */
  readonly waitsForOverlap: boolean;
  /**
   * A slot of a schedule — a recurring occurrence, or an occurrence of a run-time schedule: under
   * `overlap: "queue"` at most one such run waits per job, later ones are skipped `"coalesced"`.
   */
  readonly isRecurringSlot: boolean;
  /** A recurring job's run started by `triggerJob`, off its grid: its end plans no slot of the chain. */
  offGrid = false;

  phase: RunPhase = "claimed";
  /** The store's object for a claimed runtime run, handed back on start/complete to save a lookup. */
  claimed: ClaimedRun | null = null;
  startedAtMs: number | null = null;
  holdsOverlap = false;
  holdsGroup = false;
  holdsSlot = false;
  /** The slot of a cluster-wide gate this run holds (see ClusterGateKeeper), or `null`. */
  clusterGate: ClusterGateTicket | null = null;
  /** Inline attempts made so far (the context's `attempt` stays the run's). */
  inlineAttempts = 0;
  timedOut = false;
  /** Inline mode: waiting for the retry delay between two attempts. */
  betweenAttempts = false;
  timer: ClockTimer | null = null;
  /** The current attempt's body, `null` before the first attempt. */
  body: AttemptBody | null = null;
  /** Links of the dispatcher's `ActiveRuntimeRuns` list (runtime runs only). */
  isListedActive = false;
  previousActive: Run | null = null;
  nextActive: Run | null = null;
  /** The store's answer to a start confirmation asked while the run waited for a slot (see StartConfirmations). */
  startAnswer: "pending" | "allowed" | "refused" | null = null;
  /** Holds a place in the start-confirmation window. */
  confirmedAhead = false;
  /** Set by cancel/shutdown/requestCancellation; decides a cancelled outcome. */
  cancelCause: AbortCause | "requested" | null = null;
  /** Telemetry's state of the run (its span); stays `null` when telemetry is off. */
  observation: unknown = null;
  private readonly ids: { readonly jobId: string; readonly runId: string };
  private cachedRunId: string | null = null;
  private controller: AbortController | null = null;
  private abortedWith: DOMException | null = null;

  /** A claimed runtime run; `payload` is the claimed one as `execute` receives it (decoded). */
  static forClaimed(
    job: RegisteredJob,
    claimed: ClaimedRun,
    payload: unknown = claimed.payload,
  ): Run {
    const occurrence = claimed.occurrence;
    const run = new Run(
      job,
      claimed,
      payload,
      claimed.dueTimeMs,
      claimed.attempt,
      claimed.maxAttempts,
      true,
      claimed.correlationId,
      claimed.resilience,
      claimed.resilienceMode,
      claimed.attempt > 1 || occurrence?.catchUp === true,
      occurrence !== null,
    );
    run.claimed = claimed;
    return run;
  }

  /** A recurring occurrence (one attempt, inline retries with the job's own policy). */
  static forOccurrence(
    job: RegisteredJob,
    occurrence: { jobId: string; runId: string; dueTimeMs: number },
    waitsForOverlap: boolean,
  ): Run {
    return new Run(
      job,
      occurrence,
      undefined,
      occurrence.dueTimeMs,
      1,
      1,
      false,
      null,
      job.policy,
      "inline",
      waitsForOverlap,
      true,
    );
  }

  // Positional rather than an options object: one allocation per run instead of two (hot path).
  private constructor(
    job: RegisteredJob,
    ids: { readonly jobId: string; readonly runId: string },
    payload: unknown,
    dueTimeMs: number,
    attempt: number,
    maxAttempts: number,
    isRuntimeScheduled: boolean,
    correlationId: string | null,
    policy: ResiliencePolicy | null,
    mode: ResilienceMode,
    waitsForOverlap: boolean,
    isRecurringSlot: boolean,
  ) {
    this.job = job;
    this.jobName = job.name;
    this.jobId = ids.jobId;
    this.ids = ids;
    this.payload = payload;
    this.dueTimeMs = dueTimeMs;
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.isRuntimeScheduled = isRuntimeScheduled;
    this.correlationId = correlationId;
    this.policy = policy;
    this.mode = mode;
    this.waitsForOverlap = waitsForOverlap;
    this.isRecurringSlot = isRecurringSlot;
  }

  /** Read lazily: a store may derive run ids on demand, and many runs never need theirs as a string. */
  get runId(): string {
    if (this.cachedRunId === null) this.cachedRunId = this.ids.runId;
    return this.cachedRunId;
  }

  /** The job's stored trace context (telemetry); `null` for recurring runs. */
  get traceContext(): string | null {
    return this.claimed?.traceContext ?? null;
  }

  get dueTime(): Date {
    return new Date(this.dueTimeMs);
  }

  get startedAt(): Date {
    return new Date(this.startedAtMs ?? this.dueTimeMs);
  }

  get schedulingLagMs(): number {
    return Math.max(0, (this.startedAtMs ?? this.dueTimeMs) - this.dueTimeMs);
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.abortedWith !== null) this.controller.abort(this.abortedWith);
    }
    return this.controller.signal;
  }

  /** The reason the current attempt's signal was aborted with, if any. */
  get abortedReason(): DOMException | null {
    return this.abortedWith;
  }

  requestCancellation(): void {
    if (this.phase !== "running" || this.cancelCause !== null) return;
    this.cancelCause = "requested";
    this.abort(
      "cancel",
      `run ${this.runId} of job "${this.jobName}" requested its own cancellation`,
    );
  }

  /** Aborts the current attempt's signal (idempotent per attempt). */
  abort(cause: AbortCause, message: string): void {
    if (this.abortedWith !== null) return;
    this.abortedWith = abortReason(cause, message);
    this.controller?.abort(this.abortedWith);
  }

  /** A fresh signal for the next inline attempt (the last one timed out). */
  resetSignal(): void {
    this.controller = null;
    this.abortedWith = null;
  }
}
