import { elarionSystem } from "../peers/elarion-system.js";
import { graphileWorkerSystem } from "../peers/graphile-worker-system.js";
import { pgBossSystem } from "../peers/pg-boss-system.js";
import { WORKER_CONCURRENCY, type QueueSystem } from "../peers/queue-system.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { measureLateness } from "../support/lateness-probes.js";
import { median, summarizeLatency, type LatencySummary } from "../support/statistics.js";
import { enqueueAndProcess } from "../support/backlog-processing.js";

const SUITE = "5. PostgreSQL vs peers";

/** A system and the batching knob its documentation points to for throughput. */
interface Contender {
  readonly name: string;
  readonly knob: string;
  /** Tried once each before the measured runs; the fastest is used. At most 1/10 of the workload, so every system still fetches ≥ 10 times. */
  readonly candidates: readonly number[];
  readonly quickValue: number;
  readonly make: (value: number) => QueueSystem;
}

const CONTENDERS: readonly Contender[] = [
  {
    name: "Elarion postgresStore",
    knob: "maxLeasedRuns",
    candidates: [64, 256, 2_000],
    quickValue: 64,
    make: (value) => elarionSystem(value),
  },
  // 9 = concurrency + 1, the documentation's starting point.
  {
    name: "graphile-worker",
    knob: "localQueue.size",
    candidates: [9, 500, 2_000],
    quickValue: 500,
    make: (value) => graphileWorkerSystem(value),
  },
  {
    name: "pg-boss",
    knob: "batchSize",
    candidates: [500, 1_000, 2_000],
    quickValue: 1_000,
    make: (value) => pgBossSystem(value),
  },
  // The same store keeping no finished job: graphile-worker deletes a job it completed, so this is
  // the comparison at equal work per job; the first row keeps the default history.
  {
    name: "Elarion postgresStore, no finished job kept",
    knob: "maxLeasedRuns",
    candidates: [64, 256, 2_000],
    quickValue: 64,
    make: (value) => elarionSystem(value, { keepFinishedJobs: false }),
  },
];

interface SystemRuns {
  readonly system: QueueSystem;
  readonly sweep: string;
  readonly enqueueRates: number[];
  readonly processRates: number[];
  readonly lateness: number[];
}

/**
 * Suite 5: the same workload on the same database for Elarion's postgresStore, graphile-worker and
 * pg-boss — bulk enqueue of N no-op jobs, processing with concurrency 8, lateness of future-dated
 * jobs — medians of 3 runs, systems in rotating order, schemas dropped before each run. Each system's
 * batching knob is first swept over a few documented-range values and the fastest is used.
 */
export async function runPostgresPeersSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 20_000, 1_000);
  const probeCount = sized(mode, 300, 30);
  const runCount = sized(mode, 3, 1);
  const systems: SystemRuns[] = [];
  for (const contender of CONTENDERS) {
    const { value, sweep } = mode.quick
      ? { value: contender.quickValue, sweep: "not swept (--quick)" }
      : await fastestSetting(contender, jobCount);
    systems.push({
      system: contender.make(value),
      sweep,
      enqueueRates: [],
      processRates: [],
      lateness: [],
    });
  }

  for (let run = 0; run < runCount; run += 1) {
    for (let index = 0; index < systems.length; index += 1) {
      const entry = systems[(index + run) % systems.length]!;
      await measureOneRun(entry, jobCount, probeCount);
      process.stdout.write(
        `   run ${run + 1}: ${entry.system.name}: enqueue ${formatNumber(entry.enqueueRates.at(-1)!)} jobs/s, processed ${formatNumber(entry.processRates.at(-1)!)} jobs/s\n`,
      );
    }
  }

  const [ours, graphile, boss, oursKeepingNone] = systems as [
    SystemRuns,
    SystemRuns,
    SystemRuns,
    SystemRuns,
  ];
  const figures: Figure[] = [];
  for (const [mine, history] of [
    [ours, "default retention: the latest 1024 finished jobs kept"],
    [
      oursKeepingNone,
      "retention.maxFinishedJobs 0: a finished job is deleted, as graphile-worker does",
    ],
  ] as const) {
    for (const peer of [graphile, boss]) {
      const target = peer === graphile;
      const ratio = median(mine.processRates) / median(peer.processRates);
      figures.push({
        suite: SUITE,
        measure: `processed jobs/s, ${jobCount.toLocaleString("en-US")} no-op jobs, concurrency ${WORKER_CONCURRENCY} (median of ${runCount}); Elarion with ${history}`,
        ours: `${formatNumber(median(mine.processRates))} jobs/s`,
        baseline: `${peer.system.name}: ${formatNumber(median(peer.processRates))} jobs/s`,
        ratio: formatRatio(ratio),
        target: target ? "≥ 2× graphile-worker" : "—",
        met: target ? ratio >= 2 : null,
      });
    }
  }
  for (const peer of [graphile, boss]) {
    figures.push({
      suite: SUITE,
      measure: `enqueue jobs/s, ${jobCount.toLocaleString("en-US")} jobs, bulk where supported (median of ${runCount})`,
      ours: `${formatNumber(median(ours.enqueueRates))} jobs/s`,
      baseline: `${peer.system.name}: ${formatNumber(median(peer.enqueueRates))} jobs/s`,
      ratio: formatRatio(median(ours.enqueueRates) / median(peer.enqueueRates)),
      target: "—",
      met: null,
    });
  }
  const ourLateness = summarizeLatency(ours.lateness);
  for (const peer of [graphile, boss]) {
    const peerLateness = summarizeLatency(peer.lateness);
    figures.push({
      suite: SUITE,
      measure: `lateness of jobs due 50–250 ms ahead (${ourLateness.count} per system over ${runCount} runs): p50 / p99 / max`,
      ours: latencyText(ourLateness),
      baseline: `${peer.system.name}: ${latencyText(peerLateness)}`,
      ratio: `p99 ${formatRatio(ourLateness.p99 / peerLateness.p99)}`,
      target: "—",
      met: null,
    });
  }
  return {
    suite: SUITE,
    figures,
    notes: [
      `PostgreSQL vs peers: per run and system, its schema is dropped and migrated (not timed), ${jobCount} no-op jobs are enqueued with no worker running ` +
        `(timed), then workers start and the clock stops when the last of the ${jobCount} bodies has run (worker start-up included, completion flushes after the last body not included), ` +
        `then ${probeCount} probes due 50–250 ms ahead are streamed while the workers are idle. ${runCount} runs, systems in rotating order. ` +
        `Here Elarion's probes are scheduled by a separate enqueue-only scheduler, so the worker learns of them through LISTEN/NOTIFY as a separate process would (suite 3 schedules and runs in one scheduler).`,
      ...systems.map(
        (entry) =>
          `${entry.system.name} settings: ${entry.system.settings}. Sweep, processed jobs/s: ${entry.sweep}.`,
      ),
    ],
  };
}

function latencyText(summary: LatencySummary): string {
  return `${formatNumber(summary.p50)} / ${formatNumber(summary.p99)} / ${formatNumber(summary.max)} ms`;
}

/** One unmeasured-for-the-table run per candidate value; the fastest processing wins. */
async function fastestSetting(
  contender: Contender,
  jobCount: number,
): Promise<{ value: number; sweep: string }> {
  const tried: { value: number; rate: number }[] = [];
  for (const value of contender.candidates) {
    const system = contender.make(value);
    await system.prepare();
    try {
      const { processRate } = await enqueueAndProcess(system, jobCount);
      tried.push({ value, rate: processRate });
    } finally {
      await system.close();
    }
  }
  const best = tried.reduce((a, b) => (b.rate > a.rate ? b : a));
  process.stdout.write(
    `   sweep ${contender.name} ${contender.knob}: ${tried.map((t) => `${t.value} → ${formatNumber(t.rate)}`).join(", ")}; using ${best.value}\n`,
  );
  return {
    value: best.value,
    sweep: `${contender.knob} ${tried.map((t) => `${t.value} → ${formatNumber(t.rate)}`).join(", ")}; fastest used`,
  };
}

async function measureOneRun(
  entry: SystemRuns,
  jobCount: number,
  probeCount: number,
): Promise<void> {
  const { system } = entry;
  await system.prepare();
  try {
    const { enqueueRate, processRate, probes } = await enqueueAndProcess(system, jobCount);
    await measureLateness(probeCount, probes.recorder, (dueMs) => system.scheduleProbe(dueMs));
    entry.enqueueRates.push(enqueueRate);
    entry.processRates.push(processRate);
    entry.lateness.push(...probes.recorder.samples);
  } finally {
    await system.close();
  }
}
