import { performance } from "node:perf_hooks";
import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { ParkedJob } from "../../fixture/src/jobs/parked-job.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, type SuiteReport } from "../support/figure.js";
import { median, percentile } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

const HOUR_MS = 3_600_000;
const CANCEL_SAMPLES = 1_000;

/**
 * Suite 4: the memory store at scale. Heap bytes per pending job with 1M jobs queued an hour ahead,
 * the cost of cancelling one of them, and `snapshot()` with 10k queued. Needs `node --expose-gc`.
 */
export async function runScaleSuite(mode: BenchMode): Promise<SuiteReport> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined)
    throw new Error(
      "scale: run with `node --expose-gc` (the runner does) to measure heap per job.",
    );
  const pendingCount = sized(mode, 1_000_000, 20_000);
  const snapshotQueued = sized(mode, 10_000, 1_000);

  const pending = await measurePending(pendingCount, collect);
  const snapshot = await measureSnapshot(snapshotQueued);
  const figures = [
    {
      suite: "4. scale",
      measure: `heap per pending job at ${pendingCount.toLocaleString("en-US")} pending (heapUsed delta ÷ jobs)`,
      ours: `${formatNumber(pending.bytesPerJob)} B`,
      baseline: "—",
      ratio: "—",
      target: "≤ 300 B",
      met: pending.bytesPerJob <= 300,
    },
    {
      suite: "4. scale",
      measure: `heap per pending job at ${pendingCount.toLocaleString("en-US")} pending once looked up by id (the lazy id index built by the cancels below)`,
      ours: `${formatNumber(pending.bytesPerJobIndexed)} B`,
      baseline: "—",
      ratio: "—",
      target: "—",
      met: null,
    },
    {
      suite: "4. scale",
      measure: `cancelJob of one job among ${pendingCount.toLocaleString("en-US")} (${CANCEL_SAMPLES} cancels): median / p99 / the first (it builds the id index)`,
      ours: `${formatNumber(pending.cancelMedianUs)} / ${formatNumber(pending.cancelP99Us)} / ${formatNumber(pending.cancelFirstUs)} µs`,
      baseline: "—",
      ratio: "—",
      target: "median ≤ 5 µs",
      met: pending.cancelMedianUs <= 5,
    },
    {
      suite: "4. scale",
      measure: `schedule of ${pendingCount.toLocaleString("en-US")} jobs an hour ahead (context for the above)`,
      ours: `${formatNumber(pending.scheduleRate)} jobs/s`,
      baseline: "—",
      ratio: "—",
      target: "—",
      met: null,
    },
    {
      suite: "4. scale",
      measure: `snapshot() with ${snapshotQueued.toLocaleString("en-US")} queued runs: median`,
      ours: `${formatNumber(snapshot.medianMs)} ms (${formatNumber((snapshot.medianMs * 1000) / snapshotQueued)} µs per queued run)`,
      baseline: "—",
      ratio: "—",
      target: "—",
      met: null,
    },
  ];
  return {
    suite: "4. scale",
    figures,
    notes: [
      `scale: ${pendingCount} ParkedJob runs scheduled one by one (\`await scheduler.schedule(ParkedJob, { n }, now + 1 h)\`) on the memory store; ` +
        `heapUsed measured after two forced GCs before creating the scheduler and after scheduling; the delta includes each job's { n } payload object. ` +
        `The memory store indexes jobs by id lazily (on the first lookup after an insert), so the first figure has no id index and the second, measured again after the cancels, has one. ` +
        `Cancel: ${CANCEL_SAMPLES} evenly spread job ids, each \`await cancelJob(id)\` timed on its own (includes the promise round trip). ` +
        `Snapshot: median of 20 \`await snapshot()\` calls with ${snapshotQueued} queued runs.`,
    ],
  };
}

interface PendingMeasurement {
  bytesPerJob: number;
  /** After the cancels: the memory store indexes jobs by id on the first lookup. */
  bytesPerJobIndexed: number;
  cancelMedianUs: number;
  cancelP99Us: number;
  cancelFirstUs: number;
  scheduleRate: number;
}

async function measurePending(count: number, collect: () => void): Promise<PendingMeasurement> {
  collect();
  collect();
  const before = process.memoryUsage().heapUsed;
  const scheduler = createScheduler({ registry: jobRegistry, services: fixtureServices() });
  await scheduler.start();
  const dueTime = Date.now() + HOUR_MS;
  const sampleEvery = Math.max(1, Math.floor(count / CANCEL_SAMPLES));
  const sampledJobIds: string[] = [];
  const scheduleMs = await timeAsync(async () => {
    for (let n = 0; n < count; n += 1) {
      const handle = await scheduler.schedule(ParkedJob, { n }, dueTime);
      if (n % sampleEvery === 0 && sampledJobIds.length < CANCEL_SAMPLES)
        sampledJobIds.push(handle.jobId);
    }
  });
  collect();
  collect();
  const after = process.memoryUsage().heapUsed;
  const bytesPerJob = (after - before) / count;

  const cancelMicros: number[] = [];
  for (const jobId of sampledJobIds) {
    const start = performance.now();
    const cancelled = await scheduler.cancelJob(jobId);
    cancelMicros.push((performance.now() - start) * 1000);
    if (!cancelled) throw new Error(`scale: cancelJob(${jobId}) returned false for a queued job.`);
  }
  collect();
  collect();
  const bytesPerJobIndexed = (process.memoryUsage().heapUsed - before) / count;
  await stopWithin(scheduler, count);
  return {
    bytesPerJob,
    bytesPerJobIndexed,
    cancelMedianUs: median(cancelMicros),
    cancelP99Us: percentile(cancelMicros, 99),
    cancelFirstUs: cancelMicros[0] ?? Number.NaN,
    scheduleRate: count / (scheduleMs / 1000),
  };
}

async function measureSnapshot(queued: number): Promise<{ medianMs: number }> {
  const scheduler = createScheduler({ registry: jobRegistry, services: fixtureServices() });
  await scheduler.start();
  const dueTime = Date.now() + HOUR_MS;
  for (let n = 0; n < queued; n += 1) await scheduler.schedule(ParkedJob, { n }, dueTime + n);
  const timings: number[] = [];
  for (let sample = 0; sample < 20; sample += 1) {
    let seen = 0;
    timings.push(
      await timeAsync(async () => {
        seen = (await scheduler.snapshot()).queuedRuns.length;
      }),
    );
    if (seen !== queued)
      throw new Error(`scale: snapshot listed ${seen} queued runs, expected ${queued}.`);
  }
  await stopWithin(scheduler, queued);
  return { medianMs: median(timings) };
}

async function stopWithin(scheduler: JobScheduler, queued: number): Promise<void> {
  await withDeadline(scheduler.stop(), 60_000 + queued / 10, `stop() with ${queued} queued runs`);
}
