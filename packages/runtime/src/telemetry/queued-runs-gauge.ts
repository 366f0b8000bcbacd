import type { Attributes, Meter, ObservableGauge, ObservableResult } from "@opentelemetry/api";
import { Attr } from "./scheduler-metrics.js";

/**
 * `scheduler.job.queued`: runs queued or waiting for a retry, per job name, read from the store's
 * `queuedRunCounts()` (one cheap query on PostgreSQL) when the meter collects. Readers collecting
 * at the same time share one read; a job name seen before and queued no more reports 0 rather than
 * vanishing from the series.
 */
export class QueuedRunsGauge {
  private readonly gauge: ObservableGauge;
  private readonly attributes = new Map<string, Attributes>();
  private inFlight: Promise<ReadonlyMap<string, number>> | null = null;

  constructor(
    meter: Meter,
    private readonly readCounts: () => Promise<ReadonlyMap<string, number>>,
  ) {
    this.gauge = meter.createObservableGauge("scheduler.job.queued", {
      description: "Runs queued or waiting for a retry, per job name",
    });
    this.gauge.addCallback(this.report);
  }

  close(): void {
    this.gauge.removeCallback(this.report);
  }

  private readonly report = async (result: ObservableResult): Promise<void> => {
    const counts = await this.read();
    for (const jobName of counts.keys()) this.attributesOf(jobName);
    for (const [jobName, attributes] of this.attributes)
      result.observe(counts.get(jobName) ?? 0, attributes);
  };

  private read(): Promise<ReadonlyMap<string, number>> {
    this.inFlight ??= this.readCounts().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private attributesOf(jobName: string): Attributes {
    let attributes = this.attributes.get(jobName);
    if (attributes === undefined) {
      attributes = Object.freeze({ [Attr.jobName]: jobName });
      this.attributes.set(jobName, attributes);
    }
    return attributes;
  }
}
