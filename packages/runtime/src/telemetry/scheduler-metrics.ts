import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableResult,
  ObservableUpDownCounter,
} from "@opentelemetry/api";
import type { ObservedOperation } from "../state/instrumentation.js";

/** Seconds; OpenTelemetry's semantic-convention duration buckets (the SDK's defaults are for milliseconds). */
export const DURATION_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** `scheduler.job.run.count`, also created to tell a no-op meter from a real one (same name and options: the SDK hands back the same instrument). */
export const RUN_COUNT = {
  name: "scheduler.job.run.count",
  options: { description: "Runs of scheduled jobs by job name and status" },
} as const;

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
 * Runs executing now per job name, for every scheduler of the process that records into one meter,
 * reported by one observable up-down counter when the meter collects: a start and an end cost a
 * map update instead of two measurements through the SDK's attribute hashing (the profile of the
 * telemetry-cost benchmark showed that hashing as its largest item).
 */
class ActiveRuns {
  readonly counts = new Map<string, { readonly attributes: Attributes; active: number }>();
  users = 0;
  private readonly gauge: ObservableUpDownCounter;
  private readonly report = (result: ObservableResult): void => {
    for (const entry of this.counts.values()) result.observe(entry.active, entry.attributes);
  };

  constructor(meter: Meter) {
    this.gauge = meter.createObservableUpDownCounter("scheduler.job.active", {
      description: "Runs executing now",
    });
    this.gauge.addCallback(this.report);
  }

  add(jobName: string, delta: number): void {
    let entry = this.counts.get(jobName);
    if (entry === undefined) {
      entry = { attributes: Object.freeze({ [Attr.jobName]: jobName }), active: 0 };
      this.counts.set(jobName, entry);
    }
    entry.active += delta;
  }

  unregister(): void {
    this.gauge.removeCallback(this.report);
  }
}

const activeRunsByMeter = new WeakMap<Meter, ActiveRuns>();

/**
 * The scheduler's instruments, under Elarion's names, and their attribute sets. Attribute objects
 * are made once per (job name, status, reason) and reused: a run records three instruments and
 * would otherwise allocate an object for each.
 */
export class SchedulerMetrics {
  private readonly runCount: Counter;
  private readonly runDuration: Histogram;
  private readonly runLag: Histogram;
  private readonly active: ActiveRuns;
  private readonly operationCount: Counter;
  private readonly operationDuration: Histogram;
  private readonly runAttributes = new Map<string, Map<string, Attributes>>();
  private readonly operationAttributes = new Map<string, Map<string, Attributes>>();
  private closed = false;

  constructor(private readonly meter: Meter) {
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS };
    this.runCount = meter.createCounter(RUN_COUNT.name, RUN_COUNT.options);
    this.runDuration = meter.createHistogram("scheduler.job.run.duration", {
      unit: "s",
      description: "Duration of job runs",
      advice,
    });
    this.runLag = meter.createHistogram("scheduler.job.run.lag", {
      unit: "s",
      description: "Delay between a run's due time and its start",
      advice,
    });
    this.operationCount = meter.createCounter("scheduler.operation.count", {
      description: "Scheduler operations by operation and outcome",
    });
    this.operationDuration = meter.createHistogram("scheduler.operation.duration", {
      unit: "s",
      description: "Duration of scheduler operations",
      advice,
    });
    let active = activeRunsByMeter.get(meter);
    if (active === undefined) {
      active = new ActiveRuns(meter);
      activeRunsByMeter.set(meter, active);
    }
    active.users++;
    this.active = active;
  }

  runStarted(jobName: string): void {
    this.active.add(jobName, 1);
  }

  /** A run that started ended: count, duration, lag and one fewer active. */
  startedRunEnded(jobName: string, status: string, durationMs: number, lagMs: number): void {
    const attributes = this.runAttributesOf(jobName, status, null);
    this.runCount.add(1, attributes);
    this.runDuration.record(durationMs / 1000, attributes);
    this.runLag.record(lagMs / 1000, attributes);
    this.active.add(jobName, -1);
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

  /** The scheduler stopped (its runs have ended): the last scheduler on this meter unregisters the active-runs callback. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (--this.active.users === 0) {
      this.active.unregister();
      activeRunsByMeter.delete(this.meter);
    }
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
        skipReason === null
          ? { [Attr.jobName]: jobName, [Attr.status]: status }
          : { [Attr.jobName]: jobName, [Attr.status]: status, [Attr.skipReason]: skipReason },
      );
      byStatus.set(key, attributes);
    }
    return attributes;
  }

  private operationAttributesOf(operation: ObservedOperation, outcome: string): Attributes {
    let byOutcome = this.operationAttributes.get(operation);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.operationAttributes.set(operation, byOutcome);
    }
    let attributes = byOutcome.get(outcome);
    if (attributes === undefined) {
      attributes = Object.freeze({ [Attr.operation]: operation, [Attr.operationOutcome]: outcome });
      byOutcome.set(outcome, attributes);
    }
    return attributes;
  }
}
