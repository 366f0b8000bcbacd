/**
 * What the scheduler and the dispatcher report for telemetry, as plain hooks. The OpenTelemetry
 * implementation lives in `telemetry/` (the only code that imports `@opentelemetry/api`); without
 * it the scheduler holds `null` instead of an {@link Instrumentation}, so every hook site costs one
 * comparison with `null` and no allocation (the in-memory throughput benchmark holds that to 3%).
 *
 * Invariants the callers keep:
 * - `runStarted` is called once per run whose body starts, before the first attempt; a started run
 *   then gets exactly one of `runEnded` or `retryScheduled`.
 * - A run that never started (skipped at a gate or a misfire, cancelled while it waited) gets one
 *   `runEnded` and no `runStarted`.
 * - Every observation `insertStarted`/`cancelStarted` returns is ended exactly once.
 *
 * See docs/telemetry.md for the spans and metrics these hooks become.
 */

/** How a run ended, as telemetry reports it: a terminal status of the run. */
export type ObservedRunStatus = "succeeded" | "failed" | "cancelled" | "skipped";

/** The operations telemetry counts and times (`scheduler.operation`). */
export type ObservedOperation = "schedule" | "enqueue" | "cancel-job" | "cancel-run";

/**
 * A run as telemetry sees it. The dispatcher's run object satisfies it, so a hook allocates nothing
 * to describe the run.
 */
export interface ObservedRun {
  readonly jobName: string;
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly correlationId: string | null;
  readonly dueTimeMs: number;
  /** When the body started (scheduler clock, epoch ms); `null` when it never did. */
  readonly startedAtMs: number | null;
  readonly isRuntimeScheduled: boolean;
  /** The W3C `traceparent` stored with the job by the span that scheduled it; `null` without one. */
  readonly traceContext: string | null;
  /** The instrumentation's own state of the run (its span); `null` until `runStarted`. */
  observation: unknown;
}

/** A validated `schedule`/`enqueue` call about to be inserted. */
export interface ObservedInsert {
  readonly jobName: string;
  readonly correlationId: string | null;
  readonly dueTimeMs: number;
  readonly maxAttempts: number;
  /** Filled by `insertStarted` with the new span's `traceparent`; stored with the job. */
  traceContext: string | null;
}

/** What an inserted job is known as once the store took it. */
export interface InsertedIds {
  readonly jobId: string;
  readonly runId: string;
}

/** A pending runtime run the store cancelled before any process claimed it. */
export interface CancelledPendingRun {
  readonly jobName: string;
  readonly jobId: string;
  readonly runId: string;
  readonly traceContext: string | null;
}

/** An operation in progress (its span and its start time). */
export interface OperationObservation {
  /**
   * Ends the operation once: `outcome` becomes `scheduler.operation.outcome` (`"success"`,
   * `"cancelled"`, `"not-found"`, `"error"`); `error` is recorded on the span when it threw.
   */
  ended(outcome: string, error?: unknown, ids?: InsertedIds): void;
}

/**
 * The hooks. The scheduler creates one implementation per scheduler (or none) and hands it down.
 *
 * @example
 * ```ts
 * // dispatch/: a hook site costs a null check when telemetry is off
 * this.instrumentation?.runEnded(run, "succeeded", null, undefined);
 * ```
 */
export interface Instrumentation {
  /**
   * `schedule`/`enqueue`: starts the producer span (a child of the caller's active span) and sets
   * `job.traceContext`; `null` when there is nothing to observe (no SDK behind the API).
   */
  insertStarted(
    operation: "schedule" | "enqueue",
    job: ObservedInsert,
  ): OperationObservation | null;
  /** `cancelJob`/`cancelRun` of `id` (a job id or a run id); `null` when there is nothing to observe. */
  cancelStarted(operation: "cancel-job" | "cancel-run", id: string): OperationObservation | null;
  /** A run's body is about to start (`run.startedAtMs` is set). */
  runStarted(run: ObservedRun): void;
  /**
   * Calls one attempt of the body, `body(a, b, c)`, inside the run's trace context, so spans it
   * starts are the run span's children (arguments rather than a closure: no allocation per attempt).
   */
  callInRunContext<A, B, C, R>(
    run: ObservedRun,
    body: (a: A, b: B, c: C) => R,
    a: A,
    b: B,
    c: C,
  ): R;
  /** A run ended; `error` is the thrown value of a failed run. */
  runEnded(
    run: ObservedRun,
    status: ObservedRunStatus,
    message: string | null,
    error: unknown,
  ): void;
  /** A deferred-retry attempt failed and attempt `nextAttempt` is due at `dueTimeMs`, `delayMs` from now. */
  retryScheduled(
    run: ObservedRun,
    nextAttempt: number,
    dueTimeMs: number,
    delayMs: number,
    error: unknown,
  ): void;
  /** The store recorded a pending runtime run `cancelled` before any process claimed it. */
  pendingRunCancelled(run: CancelledPendingRun): void;
  /** The trace id of the run's span, for log lines; `null` when it has none. */
  traceIdOf(run: ObservedRun): string | null;
  /**
   * The store can count queued runs per job name: report them as a gauge, calling `read` at most
   * once per metric collection, until {@link close}.
   */
  observeQueuedRuns(read: () => Promise<ReadonlyMap<string, number>>): void;
  /** The scheduler stopped: observable instruments stop reading the store. */
  close(): void;
}
