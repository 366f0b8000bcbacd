import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from "@opentelemetry/api";
import type { ObservedOperation } from "../state/instrumentation.js";

/** Seconds; OpenTelemetry's semantic-convention duration buckets (the SDK's defaults are for milliseconds). */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Attribute names, shared with the spans. */
export const Attr = {
  jobName: "scheduler.job.name",
  jobId: "scheduler.job.id",
  runId: "scheduler.job.run_id",
  attempt: "scheduler.job.attempt",
  maxAttempts: "scheduler.job.max_attempts",
  status: "scheduler.job.status",
  correlationId: "scheduler.job.correlation_id",
  schedulingLagMs: "scheduler.job.scheduling_lag_ms",
  dueTime: "scheduler.job.due_time",
  durationMs: "scheduler.job.duration_ms",
  runtimeScheduled: "scheduler.job.runtime_scheduled",
  skipReason: "scheduler.skip.reason",
  outcomeReason: "scheduler.job.outcome.reason",
  nextAttempt: "scheduler.job.next_attempt",
  nextDueTime: "scheduler.job.next_due_time",
  retryDelayMs: "scheduler.job.retry_delay_ms",
  operation: "scheduler.operation",
  operationOutcome: "scheduler.operation.outcome",
} as const;

/**
 * The scheduler's instruments, under Elarion's names, and their attribute sets. Attribute objects
 * are made once per (job name, status, reason) and reused: a run records three instruments and
 * would otherwise allocate an object for each.
 */
export class SchedulerMetrics {
  private readonly runCount: Counter;
  private readonly runDuration: Histogram;
  private readonly runLag: Histogram;
  private readonly active: UpDownCounter;
  private readonly operationCount: Counter;
  private readonly operationDuration: Histogram;
  private readonly runAttributes = new Map<string, Map<string, Attributes>>();
  private readonly nameAttributes = new Map<string, Attributes>();
  private readonly operationAttributes = new Map<string, Attributes>();

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS };
    this.runCount = meter.createCounter("scheduler.job.run.count", { description: "Runs of scheduled jobs by job name and status" });
    this.runDuration = meter.createHistogram("scheduler.job.run.duration", { unit: "s", description: "Duration of job runs", advice });
    this.runLag = meter.createHistogram("scheduler.job.run.lag", { unit: "s", description: "Delay between a run's due time and its start", advice });
    this.active = meter.createUpDownCounter("scheduler.job.active", { description: "Runs executing now" });
    this.operationCount = meter.createCounter("scheduler.operation.count", { description: "Scheduler operations by operation and outcome" });
    this.operationDuration = meter.createHistogram("scheduler.operation.duration", { unit: "s", description: "Duration of scheduler operations", advice });
  }

  runStarted(jobName: string): void {
    this.active.add(1, this.nameAttributesOf(jobName));
  }

  /** A run that started ended: count, duration, lag and one fewer active. */
  startedRunEnded(jobName: string, status: string, durationMs: number, lagMs: number): void {
    const attributes = this.runAttributesOf(jobName, status, null);
    this.runCount.add(1, attributes);
    this.runDuration.record(durationMs / 1000, attributes);
    this.runLag.record(lagMs / 1000, attributes);
    this.active.add(-1, this.nameAttributesOf(jobName));
  }

  /** A run that never started (skipped or cancelled while it waited): counted only. */
  unstartedRunEnded(jobName: string, status: string, skipReason: string | null): void {
    this.runCount.add(1, this.runAttributesOf(jobName, status, skipReason));
  }

  operationEnded(operation: ObservedOperation, outcome: string, durationMs: number): void {
    const attributes = this.operationAttributesOf(operation, outcome);
    this.operationCount.add(1, attributes);
    this.operationDuration.record(durationMs / 1000, attributes);
  }

  private nameAttributesOf(jobName: string): Attributes {
    let attributes = this.nameAttributes.get(jobName);
    if (attributes === undefined) {
      attributes = Object.freeze({ [Attr.jobName]: jobName });
      this.nameAttributes.set(jobName, attributes);
    }
    return attributes;
  }

  private runAttributesOf(jobName: string, status: string, skipReason: string | null): Attributes {
    let byStatus = this.runAttributes.get(jobName);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.runAttributes.set(jobName, byStatus);
    }
    const key = skipReason === null ? status : `${status}\u0000${skipReason}`;
    let attributes = byStatus.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze(
        skipReason === null ? { [Attr.jobName]: jobName, [Attr.status]: status } : { [Attr.jobName]: jobName, [Attr.status]: status, [Attr.skipReason]: skipReason },
      );
      byStatus.set(key, attributes);
    }
    return attributes;
  }

  private operationAttributesOf(operation: ObservedOperation, outcome: string): Attributes {
    const key = `${operation}\u0000${outcome}`;
    let attributes = this.operationAttributes.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({ [Attr.operation]: operation, [Attr.operationOutcome]: outcome });
      this.operationAttributes.set(key, attributes);
    }
    return attributes;
  }
}
