import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { LatenessProbeJob } from "../../fixture/src/jobs/lateness-probe-job.js";
import { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, type Figure, type SuiteReport } from "../support/figure.js";
import {
  measureLateness,
  PROBE_LEAD_MAX_MS,
  PROBE_LEAD_MIN_MS,
} from "../support/lateness-probes.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { maximum, summarizeLatency, type LatencySummary } from "../support/statistics.js";

/** One run: every probe's lateness, its p99, and the event loop's own delay p99 meanwhile. */
interface LatenessRun {
  readonly samples: readonly number[];
  readonly p99: number;
  readonly eventLoopDelayP99Ms: number;
}

const SCHEMA = "bench_elarion_lateness";

/** Suite 3: start − due of runtime jobs due 50–250 ms ahead, on the real clock, memory and PostgreSQL. */
export async function runLatenessSuite(mode: BenchMode): Promise<SuiteReport> {
  const memoryCount = sized(mode, 2_000, 200);
  const postgresCount = sized(mode, 1_000, 100);
  const runs = sized(mode, 3, 1);
  const memory: LatenessRun[] = [];
  const bareTimers: LatenessRun[] = [];
  const postgres: LatenessRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    memory.push(await memoryLateness(memoryCount));
    bareTimers.push(await bareTimerLateness(memoryCount));
    postgres.push(await postgresLateness(postgresCount));
  }
  const bare = summarizeLatency(bareTimers.flatMap((run) => run.samples));
  return {
    suite: "3. lateness",
    figures: [
      latenessFigure("memory store", memory, 2),
      {
        suite: "3. lateness",
        measure: `what bounds it: the same probes as bare Node timers (one setTimeout per probe, delay = due − Date.now(), no scheduler), ${bare.count} over ${bareTimers.length} runs: p50 / p99 / max`,
        ours: `${formatNumber(bare.p50)} / ${formatNumber(bare.p99)} / ${formatNumber(bare.max)} ms`,
        baseline: `event-loop delay p99 per run: ${bareTimers.map((run) => formatNumber(run.eventLoopDelayP99Ms)).join(", ")} ms`,
        ratio: "—",
        target: "— (context for the row above)",
        met: null,
      },
      latenessFigure("PostgreSQL store", postgres, 10),
    ],
    notes: [
      ...[
        ["memory", memory],
        ["PostgreSQL", postgres],
      ].flatMap(([store, storeRuns]) => outlierNote(store as string, storeRuns as LatenessRun[])),
      `lateness: ${runs} runs of ${memoryCount} (memory) and ${postgresCount} (PostgreSQL) probes each, percentiles over all runs' probes together, ` +
        `each run's own p99 listed beside them; each probe is scheduled ${PROBE_LEAD_MIN_MS}–${PROBE_LEAD_MAX_MS} ms ahead when created, ` +
        `created in waves of 10 every ~5 ms; lateness = the job body's start (performance.timeOrigin + performance.now()) − the due instant. ` +
        `PostgreSQL: postgresStore({ pool }) with defaults, maxConcurrentExecutions 8, schema ${SCHEMA} dropped before each run; the same scheduler schedules and runs.`,
    ],
  };
}

const OUTLIER_MS = 50;

/** Names runs with probes later than OUTLIER_MS, so a rare stall is recorded even when p99 hides it. */
function outlierNote(store: string, runs: readonly LatenessRun[]): string[] {
  return runs.flatMap((run, index) => {
    const late = run.samples.filter((sample) => sample > OUTLIER_MS);
    if (late.length === 0) return [];
    return [
      `lateness outliers, ${store} run ${index + 1}: ${late.length} of ${run.samples.length} probes later than ${OUTLIER_MS} ms ` +
        `(${formatNumber(Math.min(...late))}–${formatNumber(Math.max(...late))} ms), event-loop delay p99 ${formatNumber(run.eventLoopDelayP99Ms)} ms in that run.`,
    ];
  });
}

function latenessFigure(store: string, runs: readonly LatenessRun[], targetP99Ms: number): Figure {
  const summary: LatencySummary = summarizeLatency(runs.flatMap((run) => run.samples));
  const list = (values: readonly number[]) => values.map((value) => formatNumber(value)).join(", ");
  return {
    suite: "3. lateness",
    measure: `start − due, ${store} (${summary.count} jobs over ${runs.length} runs): p50 / p99 / max`,
    ours: `${formatNumber(summary.p50)} / ${formatNumber(summary.p99)} / ${formatNumber(summary.max)} ms (p99 per run: ${list(runs.map((run) => run.p99))} ms)`,
    baseline: `event-loop delay p99 per run: ${list(runs.map((run) => run.eventLoopDelayP99Ms))} ms (max ${formatNumber(maximum(runs.map((run) => run.eventLoopDelayP99Ms)))})`,
    ratio: "—",
    target: `p99 ≤ ${targetP99Ms} ms`,
    met: summary.p99 <= targetP99Ms,
  };
}

async function memoryLateness(count: number): Promise<LatenessRun> {
  const services = fixtureServices();
  const scheduler = createScheduler({ registry: jobRegistry, services });
  await scheduler.start();
  try {
    const summary = await measureLateness(count, services.LatenessRecorder, (dueMs) =>
      scheduler.schedule(LatenessProbeJob, { dueMs }, dueMs),
    );
    return {
      samples: services.LatenessRecorder.samples,
      p99: summary.p99,
      eventLoopDelayP99Ms: summary.eventLoopDelayP99Ms,
    };
  } finally {
    await scheduler.stop();
  }
}

/**
 * The floor of the memory row: the same probe stream with no scheduler, each probe a Node timer
 * armed from `Date.now()` (as the scheduler's clock arms its own). Node's timers run on the event
 * loop's whole-millisecond time, so a due instant is reached on average half a millisecond late
 * before any scheduler work; the memory row's excess over this one is the scheduler's own.
 */
async function bareTimerLateness(count: number): Promise<LatenessRun> {
  const recorder = new LatenessRecorder();
  const summary = await measureLateness(count, recorder, (dueMs) => {
    setTimeout(() => recorder.record(dueMs), Math.max(0, dueMs - Date.now()));
    return Promise.resolve();
  });
  return {
    samples: recorder.samples,
    p99: summary.p99,
    eventLoopDelayP99Ms: summary.eventLoopDelayP99Ms,
  };
}

async function postgresLateness(count: number): Promise<LatenessRun> {
  const pool = benchPool();
  try {
    await dropSchema(pool, SCHEMA);
    const services = fixtureServices();
    const scheduler = createScheduler({
      registry: jobRegistry,
      services,
      store: postgresStore({ pool, schema: SCHEMA }),
      maxConcurrentExecutions: 8,
    });
    await scheduler.start();
    try {
      const summary = await measureLateness(count, services.LatenessRecorder, (dueMs) =>
        scheduler.schedule(LatenessProbeJob, { dueMs }, dueMs),
      );
      return {
        samples: services.LatenessRecorder.samples,
        p99: summary.p99,
        eventLoopDelayP99Ms: summary.eventLoopDelayP99Ms,
      };
    } finally {
      await scheduler.stop();
    }
  } finally {
    await pool.end();
  }
}
