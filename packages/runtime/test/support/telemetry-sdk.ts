import { context, type Attributes } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";

/**
 * The real OpenTelemetry SDK with in-memory exporters, for asserting what the scheduler emits:
 * finished spans as the SDK exports them, and metric points read through a metric reader.
 */
export class TelemetrySdk {
  readonly spanExporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(this.spanExporter)],
  });
  private readonly metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  private readonly reader = new PeriodicExportingMetricReader({
    exporter: this.metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  /** `createScheduler({ telemetry })` with these providers. */
  get telemetry(): { tracerProvider: BasicTracerProvider; meterProvider: MeterProvider } {
    return { tracerProvider: this.tracerProvider, meterProvider: this.meterProvider };
  }

  spans(): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans();
  }

  span(name: string): ReadableSpan {
    const found = this.spans().filter((span) => span.name === name);
    if (found.length !== 1)
      throw new Error(
        `expected one span "${name}", found ${found.length}: ${this.spans()
          .map((span) => span.name)
          .join(", ")}`,
      );
    return found[0]!;
  }

  /** The data points of one instrument as the SDK would export them now (cumulative). */
  async points(instrument: string): Promise<DataPoint<number | Histogram>[]> {
    this.metricExporter.reset();
    await this.reader.forceFlush();
    const metrics = this.metricExporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    return metrics
      .filter((metric) => metric.descriptor.name === instrument)
      .flatMap((metric) => metric.dataPoints as DataPoint<number | Histogram>[]);
  }

  /** `attributes → value` of a counter or up-down counter, attributes rendered as `k=v,k=v` (sorted). */
  async sums(instrument: string): Promise<Record<string, number>> {
    const sums: Record<string, number> = {};
    for (const point of await this.points(instrument))
      sums[keyOf(point.attributes)] = point.value as number;
    return sums;
  }

  /** `attributes → { count, sum }` of a histogram. */
  async histograms(instrument: string): Promise<Record<string, { count: number; sum: number }>> {
    const histograms: Record<string, { count: number; sum: number }> = {};
    for (const point of await this.points(instrument)) {
      const value = point.value as Histogram;
      histograms[keyOf(point.attributes)] = { count: value.count, sum: value.sum ?? 0 };
    }
    return histograms;
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

function keyOf(attributes: Attributes): string {
  return Object.keys(attributes)
    .sort()
    .map((key) => `${key}=${String(attributes[key])}`)
    .join(",");
}

/** Registers the AsyncLocalStorage context manager (as the Node SDK does), so active spans follow awaits; returns the undo. */
export function useAsyncContext(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => {
    manager.disable();
    context.disable();
  };
}
