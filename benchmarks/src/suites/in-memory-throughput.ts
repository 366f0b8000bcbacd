import { createScheduler } from "@elarion/runtime";
import { NoopJob } from "../../fixture/src/jobs/noop-job.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, formatRatio, type SuiteReport } from "../support/figure.js";
import { median } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

/**
 * Suite 2: enqueue N no-op runtime jobs on the memory store and wait until all have run, against
 * the physical floor: a loop awaiting N no-op async calls. Both are rates (jobs/s, calls/s).
 */
export async function runInMemoryThroughputSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 100_000, 5_000);
  const repetitions = sized(mode, 3, 1);
  const schedulerRates: number[] = [];
  const floorRates: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    floorRates.push(jobCount / ((await timeAsync(() => awaitNoopCalls(jobCount))) / 1000));
    schedulerRates.push(jobCount / ((await scheduleAndRunAll(jobCount)) / 1000));
  }
  const ours = median(schedulerRates);
  const floor = median(floorRates);
  const share = ours / floor;
  return {
    suite: "2. in-memory throughput",
    figures: [
      {
        suite: "2. in-memory throughput",
        measure: `schedule→run of ${jobCount.toLocaleString("en-US")} no-op jobs, jobs/s`,
        ours: `${formatNumber(ours)} jobs/s`,
        baseline: `bare await loop: ${formatNumber(floor)} calls/s`,
        ratio: `${formatRatio(share)} (1/${formatNumber(1 / share)})`,
        target: "≥ 0.10× (1/10 of the floor)",
        met: share >= 0.1,
      },
    ],
    notes: [
      `in-memory throughput: median of ${repetitions} repetitions; each enqueues with \`await scheduler.enqueue(NoopJob, { n })\` one by one, then awaits the last body and \`whenIdle()\`; default maxConcurrentExecutions (os.availableParallelism()).`,
    ],
  };
}

async function noop(): Promise<void> {}

async function awaitNoopCalls(count: number): Promise<void> {
  for (let call = 0; call < count; call += 1) await noop();
}

/** Milliseconds from the first enqueue until every body ran and the scheduler is idle. */
async function scheduleAndRunAll(jobCount: number): Promise<number> {
  const services = fixtureServices();
  const scheduler = createScheduler({ registry: jobRegistry, services });
  await scheduler.start();
  try {
    const allRan = services.Tally.reached(jobCount);
    const elapsed = await timeAsync(async () => {
      for (let n = 0; n < jobCount; n += 1) await scheduler.enqueue(NoopJob, { n });
      await withDeadline(allRan, 120_000, `${jobCount} in-memory no-op jobs`);
      await scheduler.whenIdle();
    });
    if (services.Tally.count !== jobCount) {
      throw new Error(`in-memory throughput: ${services.Tally.count} bodies ran, expected ${jobCount}.`);
    }
    return elapsed;
  } finally {
    await scheduler.stop();
  }
}
