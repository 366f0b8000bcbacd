import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";

/** A finished span as plain data: what a worker sends the launcher, and what the tree prints. */
export interface PlainSpan {
  readonly process: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly startMs: number;
  readonly durationMs: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * The OpenTelemetry SDK as an app would set it up, with an in-memory exporter instead of an
 * OTLP one: the global tracer provider (which the scheduler uses by default) and the
 * AsyncLocalStorage context manager (so an active span follows `await`s).
 */
export function startTelemetry(process: string): {
  finishedSpans(): PlainSpan[];
  shutdown(): Promise<void>;
} {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  return {
    finishedSpans: () => exporter.getFinishedSpans().map((span) => plain(process, span)),
    shutdown: () => provider.shutdown(),
  };
}

function plain(process: string, span: ReadableSpan): PlainSpan {
  const [startSeconds, startNanos] = span.startTime;
  const [durationSeconds, durationNanos] = span.duration;
  return {
    process,
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    startMs: startSeconds * 1_000 + startNanos / 1e6,
    durationMs: durationSeconds * 1_000 + durationNanos / 1e6,
    attributes: { ...span.attributes },
  };
}

/**
 * The metrics SDK with an in-memory exporter as the global meter provider; `summary()` collects
 * and returns one line per data point of the scheduler's run counter and duration histogram.
 */
export function startMetrics(): { summary(): Promise<string[]>; shutdown(): Promise<void> } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return {
    async summary() {
      await reader.forceFlush();
      const lines: string[] = [];
      for (const scope of exporter.getMetrics().flatMap((resource) => resource.scopeMetrics)) {
        for (const metric of scope.metrics) {
          if (
            metric.descriptor.name !== "scheduler.job.run.count" &&
            metric.descriptor.name !== "scheduler.job.run.duration"
          )
            continue;
          for (const point of metric.dataPoints) {
            const labels = Object.entries(point.attributes)
              .map(([key, value]) => `${key}=${String(value)}`)
              .join(",");
            const value =
              typeof point.value === "number"
                ? String(point.value)
                : histogramText(point.value as Histogram);
            lines.push(`${metric.descriptor.name}{${labels}} ${value}`);
          }
        }
      }
      return lines;
    },
    shutdown: () => provider.shutdown(),
  };
}

function histogramText(histogram: Histogram): string {
  return `count ${histogram.count}, sum ${(histogram.sum ?? 0).toFixed(3)} s`;
}
