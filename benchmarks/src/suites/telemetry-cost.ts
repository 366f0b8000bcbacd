import { createScheduler } from "@elarion/runtime";
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { NoopJob } from "../../fixture/src/jobs/noop-job.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { loadRuntimeAt, type RuntimeModule } from "../support/baseline-runtime.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { median } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

/**
 * The runtime just before telemetry: main as the telemetry branch last merged it, so the two sides
 * differ by the telemetry change alone. "Today's path", which `telemetry: false` must stay within
 * 3% of. When main moves on, this is the commit the measurement is about, not main's tip.
 */
export const BEFORE_TELEMETRY = "4708962";

const SUITE = "7. telemetry cost";

/** A span exporter that drops what it is given: the SDK's whole per-span path, no I/O. */
const dropSpans: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};
const dropMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: 0 }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

interface Variant {
  readonly id: "before" | "off" | "api" | "sdk";
  readonly label: string;
  readonly run: (jobCount: number) => Promise<number>;
}

/**
 * Suite 7: the in-memory throughput workload (suite 2) under four telemetry settings, measured in
 * one process, rounds interleaved with the order rotated, so machine load hits every setting alike:
 * the runtime before telemetry, `telemetry: false`, the default with `@opentelemetry/api` installed
 * and no SDK registered, and the SDK (every span to a no-op exporter, metrics recorded).
 */
export async function runTelemetryCostSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 100_000, 5_000);
  const rounds = sized(mode, 15, 2);
  const before = await loadRuntimeAt(BEFORE_TELEMETRY);
  const variants: Variant[] = [
    {
      id: "before",
      label: `runtime before telemetry (${BEFORE_TELEMETRY})`,
      run: (count) => scheduleAndRunAll(before.createScheduler, count, {}),
    },
    {
      id: "off",
      label: "telemetry: false",
      run: (count) => scheduleAndRunAll(createScheduler, count, { telemetry: false }),
    },
    {
      id: "api",
      label: "@opentelemetry/api installed, no SDK registered (default)",
      run: (count) => scheduleAndRunAll(createScheduler, count, {}),
    },
    { id: "sdk", label: "OpenTelemetry SDK, no-op exporters", run: (count) => runWithSdk(count) },
  ];
  const rates = new Map<Variant["id"], number[]>(variants.map((variant) => [variant.id, []]));
  for (const variant of variants) await variant.run(Math.min(jobCount, 10_000)); // warm-up, not measured
  for (let round = 0; round < rounds; round += 1) {
    for (let index = 0; index < variants.length; index += 1) {
      const variant = variants[(round + index) % variants.length]!;
      rates.get(variant.id)!.push(jobCount / ((await variant.run(jobCount)) / 1000));
    }
  }
  const rate = (id: Variant["id"]) => median(rates.get(id)!);
  const baseline = rate("before");
  const figure = (variant: Variant, target: string, met: boolean | null): Figure => ({
    suite: SUITE,
    measure: `schedule→run of ${jobCount.toLocaleString("en-US")} no-op jobs, ${variant.label}`,
    ours: `${formatNumber(rate(variant.id))} jobs/s`,
    baseline: `${variants[0]!.label}: ${formatNumber(baseline)} jobs/s`,
    ratio: formatRatio(rate(variant.id) / baseline),
    target,
    met,
  });
  return {
    suite: SUITE,
    figures: [
      figure(variants[1]!, "≥ 0.97×", rate("off") / baseline >= 0.97),
      figure(variants[2]!, "—", null),
      figure(variants[3]!, "—", null),
    ],
    notes: [
      `telemetry cost: the in-memory throughput workload (suite 2) per setting, median of ${rounds} interleaved rounds (order rotated each round, a forced GC before each) after one warm-up each; ` +
        `the baseline is packages/runtime/src at ${BEFORE_TELEMETRY} compiled into benchmarks/.tmp/. SDK: BasicTracerProvider with a SimpleSpanProcessor handing every span to an exporter that drops it, ` +
        `MeterProvider with a PeriodicExportingMetricReader (hourly, dropping exporter), both passed as createScheduler({ telemetry }). Rates per round: ` +
        variants
          .map(
            (variant) =>
              `${variant.id} ${rates
                .get(variant.id)!
                .map((value) => formatNumber(value))
                .join(" / ")}`,
          )
          .join("; ") +
        ".",
    ],
  };
}

type CreateScheduler = RuntimeModule["createScheduler"];

/** Milliseconds from the first enqueue until every body ran and the scheduler is idle (suite 2's workload). */
async function scheduleAndRunAll(
  create: CreateScheduler,
  jobCount: number,
  telemetry: Record<string, unknown>,
): Promise<number> {
  const services = fixtureServices();
  const scheduler = create({ registry: jobRegistry, services, ...telemetry });
  await scheduler.start();
  try {
    const allRan = services.Tally.reached(jobCount);
    // The previous setting's garbage is collected now, not in the middle of this one's measurement.
    (globalThis as { gc?: () => void }).gc?.();
    const elapsed = await timeAsync(async () => {
      for (let n = 0; n < jobCount; n += 1) await scheduler.enqueue(NoopJob, { n });
      await withDeadline(allRan, 120_000, `${jobCount} in-memory no-op jobs`);
      await scheduler.whenIdle();
    });
    if (services.Tally.count !== jobCount)
      throw new Error(`telemetry cost: ${services.Tally.count} bodies ran, expected ${jobCount}.`);
    return elapsed;
  } finally {
    await scheduler.stop();
  }
}

async function runWithSdk(jobCount: number): Promise<number> {
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(dropSpans)],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: dropMetrics, exportIntervalMillis: 3_600_000 }),
    ],
  });
  try {
    return await scheduleAndRunAll(createScheduler, jobCount, {
      telemetry: { tracerProvider, meterProvider },
    });
  } finally {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  }
}
