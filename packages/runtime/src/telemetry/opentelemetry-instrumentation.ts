import type { Attributes, Context, Meter, Span, Tracer } from "@opentelemetry/api";
import type {
  CancelledPendingRun,
  InsertedIds,
  Instrumentation,
  ObservedInsert,
  ObservedOperation,
  ObservedRun,
  ObservedRunStatus,
  OperationObservation,
} from "../state/instrumentation.js";
import type { OpenTelemetryApi } from "./opentelemetry-api.js";
import { QueuedRunsGauge } from "./queued-runs-gauge.js";
import { Attr, SchedulerMetrics } from "./scheduler-metrics.js";
import { formatTraceparent, parseTraceparent } from "./traceparent.js";

/** The span of a started run, kept on the run (`ObservedRun.observation`). */
class RunObservation {
  constructor(
    /** `null` while no tracer provider is registered (the API without an SDK). */
    readonly span: Span | null,
    /**
     * The run span's context, which the body runs in; `null` when there is nothing to propagate
     * (no span, or a non-recording one without a parent), so the body is called directly.
     */
    readonly context: Context | null,
    readonly startedAt: number,
  ) {}
}

/** The span and start time of a schedule/enqueue/cancel call. */
class OperationSpan implements OperationObservation {
  private open = true;

  constructor(
    private readonly owner: OpenTelemetryInstrumentation,
    private readonly operation: ObservedOperation,
    private readonly span: Span | null,
    private readonly startedAt: number,
  ) {}

  ended(outcome: string, error?: unknown, ids?: InsertedIds): void {
    if (!this.open) return;
    this.open = false;
    this.owner.operationEnded(this.operation, this.span, this.startedAt, outcome, error, ids);
  }
}

/** Where the instrumentation sends its spans and measurements. */
export interface TelemetryTargets {
  readonly tracer: Tracer;
  /**
   * Whether spans are worth starting now: `false` while the global tracer provider has no SDK
   * behind it (checked per operation, so an SDK registered later is picked up).
   */
  readonly tracing: () => boolean;
  readonly meter: Meter;
  /** `false` for the API's no-op meter (no meter provider registered when the scheduler was created). */
  readonly metering: boolean;
}

/**
 * Spans and metrics under Elarion's names (docs/telemetry.md):
 * - `scheduler schedule {name}` / `scheduler enqueue {name}` (producer): a child of the caller's
 *   active span; its context is stored with the job as a W3C `traceparent`.
 * - `scheduled {name}` (consumer): one per run that starts, a child of the stored context — so also
 *   in another process — or a root for recurring runs; the body runs in its context.
 * - `scheduled {name} skipped` / `scheduled {name} cancelled`: runs that ended before they started.
 * - `scheduler cancel job` / `scheduler cancel run`.
 *
 * With neither a tracer nor a meter behind the API (installed, no SDK) a hook returns after a
 * check, so an app that has the API only as someone else's dependency pays next to nothing.
 * Times come from `now` (the scheduler's clock, or a sub-millisecond reading of the system clock),
 * so a span's duration and the duration metric agree and a `ManualClock` drives both in tests.
 */
export class OpenTelemetryInstrumentation implements Instrumentation {
  private readonly tracer: Tracer;
  private readonly tracing: () => boolean;
  private readonly meter: Meter;
  private readonly metrics: SchedulerMetrics | null;
  private queuedRuns: QueuedRunsGauge | null = null;
  private readonly kind: OpenTelemetryApi["SpanKind"];
  private readonly errorCode: number;

  constructor(
    private readonly api: OpenTelemetryApi,
    targets: TelemetryTargets,
    private readonly now: () => number,
  ) {
    this.tracer = targets.tracer;
    this.tracing = targets.tracing;
    this.meter = targets.meter;
    this.metrics = targets.metering ? new SchedulerMetrics(targets.meter) : null;
    this.kind = api.SpanKind;
    this.errorCode = api.SpanStatusCode.ERROR;
  }

  insertStarted(
    operation: "schedule" | "enqueue",
    job: ObservedInsert,
  ): OperationObservation | null {
    const tracing = this.tracing();
    if (!tracing && this.metrics === null) return null;
    const startedAt = this.now();
    if (!tracing) return new OperationSpan(this, operation, null, startedAt);
    const span = this.tracer.startSpan(
      `scheduler ${operation} ${job.jobName}`,
      { kind: this.kind.PRODUCER, startTime: startedAt },
      this.api.context.active(),
    );
    if (span.isRecording()) {
      span.setAttributes({
        [Attr.operation]: operation,
        [Attr.jobName]: job.jobName,
        [Attr.attempt]: 1,
        [Attr.maxAttempts]: job.maxAttempts,
      });
      if (operation === "schedule")
        span.setAttribute(Attr.dueTime, new Date(job.dueTimeMs).toISOString());
      if (job.correlationId !== null) span.setAttribute(Attr.correlationId, job.correlationId);
    }
    job.traceContext = formatTraceparent(span.spanContext());
    return new OperationSpan(this, operation, span, startedAt);
  }

  cancelStarted(operation: "cancel-job" | "cancel-run", id: string): OperationObservation | null {
    const tracing = this.tracing();
    if (!tracing && this.metrics === null) return null;
    const startedAt = this.now();
    if (!tracing) return new OperationSpan(this, operation, null, startedAt);
    const name = operation === "cancel-job" ? "scheduler cancel job" : "scheduler cancel run";
    const span = this.tracer.startSpan(
      name,
      { kind: this.kind.INTERNAL, startTime: startedAt },
      this.api.context.active(),
    );
    if (span.isRecording()) {
      span.setAttribute(Attr.operation, operation);
      span.setAttribute(operation === "cancel-job" ? Attr.jobId : Attr.runId, id);
    }
    return new OperationSpan(this, operation, span, startedAt);
  }

  /** Called by {@link OperationSpan.ended}. */
  operationEnded(
    operation: ObservedOperation,
    span: Span | null,
    startedAt: number,
    outcome: string,
    error: unknown,
    ids: InsertedIds | undefined,
  ): void {
    const endedAt = this.now();
    if (span !== null) {
      if (span.isRecording()) {
        span.setAttribute(Attr.operationOutcome, outcome);
        if (ids !== undefined) {
          span.setAttribute(Attr.jobId, ids.jobId);
          span.setAttribute(Attr.runId, ids.runId);
        }
        if (error !== undefined) this.recordError(span, error);
      }
      span.end(endedAt);
    }
    this.metrics?.operationEnded(operation, outcome, endedAt - startedAt);
  }

  runStarted(run: ObservedRun): void {
    const tracing = this.tracing();
    if (!tracing && this.metrics === null) return;
    const startedAt = this.now();
    this.metrics?.runStarted(run.jobName);
    if (!tracing) {
      run.observation = new RunObservation(null, null, startedAt);
      return;
    }
    const parent = this.parentOf(run.traceContext);
    const span = this.tracer.startSpan(
      `scheduled ${run.jobName}`,
      { kind: this.kind.CONSUMER, startTime: startedAt },
      parent,
    );
    const recording = span.isRecording();
    if (recording) {
      span.setAttributes(this.runAttributes(run));
      span.setAttribute(Attr.schedulingLagMs, lagMsOf(run));
    }
    const propagates = recording || this.api.trace.isSpanContextValid(span.spanContext());
    run.observation = new RunObservation(
      span,
      propagates ? this.api.trace.setSpan(parent, span) : null,
      startedAt,
    );
  }

  callInRunContext<A, B, C, R>(
    run: ObservedRun,
    body: (a: A, b: B, c: C) => R,
    a: A,
    b: B,
    c: C,
  ): R {
    const observation = run.observation;
    return observation instanceof RunObservation && observation.context !== null
      ? this.api.context.with(observation.context, body, undefined, a, b, c)
      : body(a, b, c);
  }

  runEnded(
    run: ObservedRun,
    status: ObservedRunStatus,
    message: string | null,
    error: unknown,
  ): void {
    const observation = run.observation;
    if (!(observation instanceof RunObservation)) {
      this.unstartedRunEnded(run, status, message);
      return;
    }
    const endedAt = this.now();
    const span = observation.span;
    if (span !== null) {
      if (span.isRecording()) {
        span.setAttribute(Attr.status, status);
        span.setAttribute(Attr.durationMs, endedAt - observation.startedAt);
        if (status === "failed") this.recordError(span, error ?? message);
        else if (status === "cancelled" && message !== null)
          span.setAttribute(Attr.outcomeReason, message);
      }
      span.end(endedAt);
    }
    this.metrics?.startedRunEnded(
      run.jobName,
      status,
      endedAt - observation.startedAt,
      lagMsOf(run),
    );
  }

  retryScheduled(
    run: ObservedRun,
    nextAttempt: number,
    dueTimeMs: number,
    delayMs: number,
    error: unknown,
  ): void {
    const observation = run.observation;
    if (!(observation instanceof RunObservation)) return;
    const endedAt = this.now();
    const span = observation.span;
    if (span !== null) {
      if (span.isRecording()) {
        span.recordException(exceptionOf(error));
        span.addEvent(
          "retry scheduled",
          {
            [Attr.nextAttempt]: nextAttempt,
            [Attr.nextDueTime]: new Date(dueTimeMs).toISOString(),
            [Attr.retryDelayMs]: delayMs,
          },
          endedAt,
        );
        span.setAttribute(Attr.status, "waiting-retry");
        span.setAttribute(Attr.durationMs, endedAt - observation.startedAt);
      }
      span.end(endedAt);
    }
    this.metrics?.startedRunEnded(
      run.jobName,
      "waiting-retry",
      endedAt - observation.startedAt,
      lagMsOf(run),
    );
  }

  pendingRunCancelled(run: CancelledPendingRun): void {
    this.metrics?.unstartedRunEnded(run.jobName, "cancelled", null);
    if (!this.tracing()) return;
    const at = this.now();
    const span = this.tracer.startSpan(
      `scheduled ${run.jobName} cancelled`,
      { kind: this.kind.INTERNAL, startTime: at },
      this.parentOf(run.traceContext),
    );
    if (span.isRecording()) {
      span.setAttributes({
        [Attr.jobName]: run.jobName,
        [Attr.jobId]: run.jobId,
        [Attr.runId]: run.runId,
        [Attr.runtimeScheduled]: true,
        [Attr.status]: "cancelled",
      });
    }
    span.end(at);
  }

  traceIdOf(run: ObservedRun): string | null {
    const observation = run.observation;
    if (!(observation instanceof RunObservation) || observation.span === null) return null;
    const context = observation.span.spanContext();
    return this.api.trace.isSpanContextValid(context) ? context.traceId : null;
  }

  observeQueuedRuns(read: () => Promise<ReadonlyMap<string, number>>): void {
    if (this.metrics === null) return;
    this.queuedRuns?.close();
    this.queuedRuns = new QueuedRunsGauge(this.meter, read);
  }

  close(): void {
    this.metrics?.close();
    this.queuedRuns?.close();
    this.queuedRuns = null;
  }

  /** A run that ended before it started: a zero-length `skipped`/`cancelled` span, counted. */
  private unstartedRunEnded(
    run: ObservedRun,
    status: ObservedRunStatus,
    message: string | null,
  ): void {
    const skipped = status === "skipped";
    this.metrics?.unstartedRunEnded(run.jobName, status, skipped ? message : null);
    if (!this.tracing()) return;
    const at = this.now();
    const span = this.tracer.startSpan(
      `scheduled ${run.jobName} ${status}`,
      { kind: this.kind.INTERNAL, startTime: at },
      this.parentOf(run.traceContext),
    );
    if (span.isRecording()) {
      span.setAttributes(this.runAttributes(run));
      span.setAttribute(Attr.status, status);
      if (message !== null)
        span.setAttribute(skipped ? Attr.skipReason : Attr.outcomeReason, message);
    }
    span.end(at);
  }

  /** The stored trace context as a parent, or the root: never the ambient context the dispatcher happens to run in. */
  private parentOf(traceContext: string | null): Context {
    const root = this.api.ROOT_CONTEXT;
    const spanContext = parseTraceparent(traceContext);
    return spanContext === null ? root : this.api.trace.setSpanContext(root, spanContext);
  }

  private runAttributes(run: ObservedRun): Attributes {
    const attributes: Attributes = {
      [Attr.jobName]: run.jobName,
      [Attr.jobId]: run.jobId,
      [Attr.runId]: run.runId,
      [Attr.attempt]: run.attempt,
      [Attr.maxAttempts]: run.maxAttempts,
      [Attr.runtimeScheduled]: run.isRuntimeScheduled,
    };
    if (run.correlationId !== null) attributes[Attr.correlationId] = run.correlationId;
    return attributes;
  }

  private recordError(span: Span, error: unknown): void {
    const exception = exceptionOf(error);
    span.recordException(exception);
    span.setStatus({
      code: this.errorCode,
      message: typeof exception === "string" ? exception : exception.message,
    });
  }
}

function lagMsOf(run: ObservedRun): number {
  return run.startedAtMs === null ? 0 : Math.max(0, run.startedAtMs - run.dueTimeMs);
}

/** What `Span.recordException` takes: the error itself, or the thrown value as text. */
function exceptionOf(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}
