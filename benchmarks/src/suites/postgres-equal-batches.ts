import { elarionSystem } from "../peers/elarion-system.js";
import { graphileWorkerSystem } from "../peers/graphile-worker-system.js";
import { pgBossSystem } from "../peers/pg-boss-system.js";
import { WORKER_CONCURRENCY, type QueueSystem } from "../peers/queue-system.js";
import { enqueueAndProcess } from "../support/backlog-processing.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { loadAverageText } from "../support/load-average.js";
import { median } from "../support/statistics.js";

const SUITE = "5b. PostgreSQL at equal batches";
/** Jobs per fetch round trip, the same for every system (issue 14's "equal small batches"). */
const BATCH = 100;

interface SystemRuns {
  readonly system: QueueSystem;
  readonly processRates: number[];
}

/**
 * Suite 5b: suite 5's processing workload with every system held to the same small fetch batch —
 * at most {@link BATCH} jobs per round trip that fetches work — instead of each system's fastest
 * setting. Suite 5 answers "how fast at its best"; this one answers "how fast per round trip", which
 * is where claim and completion costs show.
 */
export async function runPostgresEqualBatchesSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 20_000, 2_000);
  const runCount = sized(mode, 3, 1);
  const systems: SystemRuns[] = [
    elarionSystem(BATCH),
    graphileWorkerSystem(BATCH),
    pgBossSystem(BATCH),
  ].map((system) => ({ system, processRates: [] }));
  const loads: string[] = [];

  for (let run = 0; run < runCount; run += 1) {
    for (let index = 0; index < systems.length; index += 1) {
      const entry = systems[(index + run) % systems.length]!;
      await entry.system.prepare();
      try {
        const { processRate } = await enqueueAndProcess(entry.system, jobCount);
        entry.processRates.push(processRate);
      } finally {
        await entry.system.close();
      }
      process.stdout.write(
        `   run ${run + 1}: ${entry.system.name}: processed ${formatNumber(entry.processRates.at(-1)!)} jobs/s\n`,
      );
    }
    loads.push(loadAverageText());
  }

  const [ours, graphile, boss] = systems as [SystemRuns, SystemRuns, SystemRuns];
  const figures: Figure[] = [graphile, boss].map((peer) => ({
    suite: SUITE,
    measure: `processed jobs/s at ${BATCH} jobs per fetch round trip, ${jobCount.toLocaleString("en-US")} no-op jobs, concurrency ${WORKER_CONCURRENCY} (median of ${runCount})`,
    ours: `${formatNumber(median(ours.processRates))} jobs/s`,
    baseline: `${peer.system.name}: ${formatNumber(median(peer.processRates))} jobs/s`,
    ratio: formatRatio(median(ours.processRates) / median(peer.processRates)),
    target: "— (reported beside suite 5's ≥ 2×)",
    met: null,
  }));
  return {
    suite: SUITE,
    figures,
    notes: [
      `PostgreSQL at equal batches: suite 5's processing measurement (schema dropped and migrated, ${jobCount} no-op jobs bulk-enqueued with no worker running, ` +
        `then the clock runs from starting the workers until the last body has run), with no sweep: every system fetches at most ${BATCH} jobs per round trip. ` +
        `${runCount} runs, systems in rotating order; load average after each run: ${loads.join("; ")}. What "${BATCH} per round trip" means for each: ` +
        `**Elarion** \`maxLeasedRuns: ${BATCH}\`: a worker holds at most ${BATCH} leased runs (running, plus prefetched waiting for a slot), and each claim round trip ` +
        `(sql/statements/complete-and-claim.sql, which also carries the completions and start marks gathered since the last one) leases at most the room left, ` +
        `${BATCH} minus the runs still held — the dispatcher asks for up to 1,024 and the store caps it; completions that cannot wait for a claim go in completion-only round trips of the same statement. ` +
        `So ${BATCH} is a ceiling, not a batch size: how many runs each round trip actually leases is printed by \`MAX_LEASED_RUNS=${BATCH} node dist/src/profile-target.js postgres-processing\` (benchmarks/README.md, Profiled bottlenecks). ` +
        `**graphile-worker** \`localQueue.size: ${BATCH}\`: the local queue fetches up to ${BATCH} jobs in one \`get_jobs\` query, only when it is empty, one fetch at a time; ` +
        `completions travel separately (\`completeJobBatchDelay: 0\`: one \`complete_jobs\` call per tick's finished jobs). ` +
        `**pg-boss** \`batchSize: ${BATCH}\` on each of its ${WORKER_CONCURRENCY} \`work()\` loops: each loop fetches up to ${BATCH} jobs, runs its handler on them, completes them in one statement, ` +
        `then waits out the rest of its polling interval (0.5 s, pg-boss 10's minimum; it skips the wait only when the loop took longer than the interval − 100 ms), ` +
        `so it cannot exceed ${WORKER_CONCURRENCY} × ${BATCH} jobs per 0.5 s = ${formatNumber((WORKER_CONCURRENCY * BATCH) / 0.5)} jobs/s by design.`,
      ...systems.map(
        (entry) =>
          `${entry.system.name} settings at equal batches: ${entry.system.settings}. Runs, processed jobs/s: ${entry.processRates.map((rate) => formatNumber(rate)).join(", ")}.`,
      ),
    ],
  };
}
