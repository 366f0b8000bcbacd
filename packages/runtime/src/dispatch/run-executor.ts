import { NonRetryableError } from "../authoring/errors.js";
import { retryDelayMs } from "../policy/backoff.js";
import type { ServiceTable } from "../registry/job-registry.js";
import type { Clock } from "../core/clock.js";
import type { Instrumentation } from "../state/instrumentation.js";
import type { AbandonedRunInfo } from "../state/run-info.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import { inspectableError, messageOf } from "../core/error-message.js";
import { coded } from "../core/runtime-errors.js";
import { isAbortError, type AbortCause } from "./abort-reasons.js";
import type { AttemptBody, Run } from "./run.js";

/** How the executor reports the end of a run. */
export interface ExecutionEvents {
  /** The run is over (its body has settled and holds nothing any more). */
  finished(
    run: Run,
    status: "succeeded" | "failed" | "cancelled",
    message: string | null,
    error?: unknown,
  ): void;
  /** Deferred mode: the attempt failed and another attempt of the job should be scheduled. */
  failedAttempt(run: Run, message: string, error: unknown): void;
  /**
   * The run left an attempt's body behind (it ignored its signal past a timeout or the stop
   * deadline); answers the record {@link abandonedBodySettled} gets back when the body settles.
   */
  abandoned(run: Run, reason: AbandonReason): unknown;
  /** A body left behind has settled at last: whatever it did is ignored; what it held is freed. */
  abandonedBodySettled(record: unknown): void;
  /** Keeps a pending step of the executor's own known to `settle()`/`stop()`. */
  track(step: Promise<unknown>): void;
}

/** Why a body was left behind. */
export type AbandonReason = AbandonedRunInfo["reason"];

/**
 * Runs a started run's body: the direct-invocation delegate, per-attempt timeouts, inline retries
 * (one run id; the slot is kept) and the outcome rules of docs/semantics.md (cancel, NonRetryableError,
 * timed out). Every wait goes through the clock. Bodies that return synchronously complete without
 * a promise.
 */
export class RunExecutor {
  constructor(
    private readonly clock: Clock,
    private readonly services: ServiceTable,
    private readonly events: ExecutionEvents,
    private readonly instrumentation: Instrumentation | null,
  ) {}

  start(run: Run, nowMs: number): void {
    run.phase = "running";
    run.startedAtMs = nowMs;
    this.instrumentation?.runStarted(run);
    this.attempt(run);
  }

  /** Aborts a running run: its signal fires; between inline attempts it ends at once. */
  abort(run: Run, cause: Exclude<AbortCause, "timeout">): void {
    if (run.cancelCause === null || run.cancelCause === "requested") run.cancelCause = cause;
    run.abort(
      cause,
      cause === "shutdown"
        ? OutcomeMessage.schedulerShutdown
        : `run ${run.runId} of job "${run.jobName}" was cancelled`,
    );
    if (run.betweenAttempts) {
      run.betweenAttempts = false;
      run.timer?.cancel();
      run.timer = null;
      this.events.finished(run, "cancelled", cancelledMessage(run));
    }
  }

  /**
   * Stop's deadline passed while the run's body still runs: the run leaves it behind (its outcome
   * will be ignored) and stops waiting for a retry delay or a timeout. Answers whether a body was
   * left behind. The caller ends the run.
   */
  abandonAtStop(run: Run): boolean {
    run.timer?.cancel();
    run.timer = null;
    run.betweenAttempts = false;
    const body = run.body;
    if (body === null || body.settled || body.abandoned) return false;
    this.abandon(run, body, "scheduler shutdown");
    return true;
  }

  private attempt(run: Run): void {
    run.inlineAttempts++;
    // The body's record is made only when something can happen to it before it settles: a timeout
    // armed now, or a promise it returns. A body that returns synchronously without a timeout settles
    // before anything else runs (no timer, no stop deadline fires during the call): one allocation
    // less per run (in-memory throughput).
    let body: AttemptBody | null = null;
    run.body = null;
    const timeoutMs = run.policy?.timeoutMs ?? null;
    if (timeoutMs !== null) {
      const timed: AttemptBody = { settled: false, abandoned: false, record: null };
      body = timed;
      run.body = timed;
      run.timer = this.clock.setTimer(this.clock.now() + timeoutMs, () => {
        run.timer = null;
        run.timedOut = true;
        run.abort("timeout", timeoutMessage(run, timeoutMs));
        // A body that honours its signal settles within the abort's microtasks and ends the attempt
        // itself; one that ignores it is left behind, so the job's state does not wait for it.
        this.events.track(
          new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
            if (timed.settled || timed.abandoned || run.body !== timed || run.phase !== "running")
              return;
            this.abandon(run, timed, "timed out");
            this.settled(run, true, run.abortedReason);
          }),
        );
      });
    }
    let result: Promise<void> | void;
    try {
      const invoke = run.job.invoke!;
      result =
        this.instrumentation === null
          ? invoke(this.services, run.payload, run)
          : this.instrumentation.callInRunContext(run, invoke, this.services, run.payload, run);
    } catch (error) {
      this.bodySettled(run, body, true, error);
      return;
    }
    let pending: Promise<void> | null;
    try {
      pending =
        result !== null &&
        typeof result === "object" &&
        typeof (result as Promise<void>).then === "function"
          ? (result as Promise<void>)
          : null;
    } catch (error) {
      // A returned value that throws when inspected (a hostile Proxy) fails the attempt.
      this.bodySettled(run, body, true, error);
      return;
    }
    if (pending === null) {
      this.bodySettled(run, body, false, undefined);
      return;
    }
    if (body === null) {
      body = { settled: false, abandoned: false, record: null };
      run.body = body;
    }
    const inFlight = body;
    // Promise.resolve adopts a thenable whose `then` misbehaves (throws, or calls back twice) safely.
    Promise.resolve(pending).then(
      () => this.bodySettled(run, inFlight, false, undefined),
      (error: unknown) => this.bodySettled(run, inFlight, true, error),
    );
  }

  private abandon(run: Run, body: AttemptBody, reason: AbandonReason): void {
    body.abandoned = true;
    body.record = this.events.abandoned(run, reason);
  }

  /** `body`: `null` for a body that settled within its call and had no timeout (nothing else can have happened to it). */
  private bodySettled(run: Run, body: AttemptBody | null, threw: boolean, error: unknown): void {
    if (body !== null) {
      if (body.settled) return;
      body.settled = true;
      if (body.abandoned) {
        this.events.abandonedBodySettled(body.record);
        return;
      }
    }
    this.settled(run, threw, error);
  }

  private settled(run: Run, threw: boolean, thrown: unknown): void {
    // Whatever was thrown is read once, safely: a hostile value reaches no check, log or span.
    let error = threw ? inspectableError(thrown) : thrown;
    if (run.timer !== null) {
      run.timer.cancel();
      run.timer = null;
    }
    if (run.cancelCause !== null) {
      if (threw && !isAbortError(error, run.abortedReason))
        this.events.finished(run, "failed", messageOf(error), error);
      else this.events.finished(run, "cancelled", cancelledMessage(run));
      return;
    }
    let failed = threw;
    if (run.timedOut) {
      failed = true;
      error = coded(new Error(timeoutMessage(run, run.policy!.timeoutMs!)), "ELR401");
    }
    if (!failed) {
      this.events.finished(run, "succeeded", null);
      return;
    }
    const message = messageOf(error);
    const policy = run.policy;
    if (policy === null || error instanceof NonRetryableError) {
      this.events.finished(run, "failed", message, error);
      return;
    }
    if (run.mode === "deferred-retry" && run.isRuntimeScheduled) {
      if (run.attempt < run.maxAttempts) this.events.failedAttempt(run, message, error);
      else this.events.finished(run, "failed", message, error);
      return;
    }
    if (run.inlineAttempts > policy.maxRetryAttempts) {
      this.events.finished(run, "failed", message, error);
      return;
    }
    run.timedOut = false;
    run.resetSignal();
    run.betweenAttempts = true;
    run.timer = this.clock.setTimer(
      this.clock.now() + retryDelayMs(policy, run.inlineAttempts),
      () => {
        run.timer = null;
        run.betweenAttempts = false;
        this.attempt(run);
      },
    );
  }
}

function cancelledMessage(run: Run): string {
  return run.cancelCause === "shutdown"
    ? OutcomeMessage.schedulerShutdown
    : OutcomeMessage.cancelled;
}

function timeoutMessage(run: Run, timeoutMs: number): string {
  return `Job "${run.jobName}" run ${run.runId} timed out after ${timeoutMs} ms`;
}
