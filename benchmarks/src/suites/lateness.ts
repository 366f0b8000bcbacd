import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { LatenessProbeJob } from "../../fixture/src/jobs/lateness-probe-job.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, type Figure, type SuiteReport } from "../support/figure.js";
import { measureLateness, PROBE_LEAD_MAX_MS, PROBE_LEAD_MIN_MS } from "../support/lateness-probes.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import type { LatencySummary } from "../support/statistics.js";

type MeasuredLateness = LatencySummary & { readonly eventLoopDelayP99Ms: number };

const SCHEMA = "bench_elarion_lateness";

/** Suite 3: start − due of runtime jobs due 50–250 ms ahead, on the real clock, memory and PostgreSQL. */
export async function runLatenessSuite(mode: BenchMode): Promise<SuiteReport> {
  const memoryCount = sized(mode, 2_000, 200);
  const postgresCount = sized(mode, 1_000, 100);
  const memory = await memoryLateness(memoryCount);
  const postgres = await postgresLateness(postgresCount);
  return {
    suite: "3. lateness",
    figures: [latenessFigure("memory store", memory, 2), latenessFigure("PostgreSQL store", postgres, 10)],
    notes: [
      `lateness: ${memoryCount} (memory) and ${postgresCount} (PostgreSQL) probes, each scheduled ${PROBE_LEAD_MIN_MS}–${PROBE_LEAD_MAX_MS} ms ahead when created, ` +
        `created in waves of 10 every ~5 ms; lateness = the job body's start (performance.timeOrigin + performance.now()) − the due instant. ` +
        `PostgreSQL: postgresStore({ pool }) with defaults, maxConcurrentExecutions 8, schema ${SCHEMA} dropped first.`,
    ],
  };
}

function latenessFigure(store: string, summary: MeasuredLateness, targetP99Ms: number): Figure {
  return {
    suite: "3. lateness",
    measure: `start − due, ${store} (${summary.count} jobs): p50 / p99 / max`,
    ours: `${formatNumber(summary.p50)} / ${formatNumber(summary.p99)} / ${formatNumber(summary.max)} ms`,
    baseline: `event-loop delay p99 over the same period: ${formatNumber(summary.eventLoopDelayP99Ms)} ms`,
    ratio: "—",
    target: `p99 ≤ ${targetP99Ms} ms`,
    met: summary.p99 <= targetP99Ms,
  };
}

async function memoryLateness(count: number): Promise<MeasuredLateness> {
  const services = fixtureServices();
  const scheduler = createScheduler({ registry: jobRegistry, services });
  await scheduler.start();
  try {
    return await measureLateness(count, services.LatenessRecorder, (dueMs) => scheduler.schedule(LatenessProbeJob, { dueMs }, dueMs));
  } finally {
    await scheduler.stop();
  }
}

async function postgresLateness(count: number): Promise<MeasuredLateness> {
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
      return await measureLateness(count, services.LatenessRecorder, (dueMs) => scheduler.schedule(LatenessProbeJob, { dueMs }, dueMs));
    } finally {
      await scheduler.stop();
    }
  } finally {
    await pool.end();
  }
}
