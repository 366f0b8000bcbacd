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
  const repetitions = sized(mode, 5, 1);
  const schedulerRates: number[] = [];
  const floorRates: number[] = [];
  const minimumRates: number[] = [];
  // One unmeasured round first: the bare loop of 100,000 calls lasts ~10 ms, so measured cold (JIT
  // not yet optimising it, a GC of earlier suites' garbage) it read anywhere from 4 M to 12 M
  // calls/s between full runs, and the ratio below with it.
  await awaitNoopCalls(jobCount);
  await irreducibleSteps(jobCount);
  await scheduleAndRunAll(jobCount);
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    floorRates.push(jobCount / ((await timeAsync(() => awaitNoopCalls(jobCount))) / 1000));
    minimumRates.push(jobCount / ((await timeAsync(() => irreducibleSteps(jobCount))) / 1000));
    schedulerRates.push(jobCount / ((await scheduleAndRunAll(jobCount)) / 1000));
  }
  const ours = median(schedulerRates);
  const floor = median(floorRates);
  const minimum = median(minimumRates);
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
      {
        suite: "2. in-memory throughput",
        measure: `what bounds it: a hand-written loop of only the steps a scheduler cannot skip, ${jobCount.toLocaleString("en-US")} times`,
        ours: `${formatNumber(minimum)} jobs/s (scheduler: ${formatRatio(ours / minimum)} of it)`,
        baseline: `bare await loop: ${formatNumber(floor)} calls/s`,
        ratio: `${formatRatio(minimum / floor)} (1/${formatNumber(floor / minimum)})`,
        target: "— (context for the row above)",
        met: null,
      },
    ],
    notes: [
      `in-memory throughput: median of ${repetitions} repetitions, interleaved, after one unmeasured warm-up round of all three; the "what bounds it" loop does per job only what no scheduler can skip: ` +
        "a 36-character id string, a job record of 16 fields, an awaited promise of a handle with its due-time Date, and an async no-op body whose settlement marks the record done through `.then` (no queue, claim, gates or retention). " +
        `The scheduler enqueues with \`await scheduler.enqueue(NoopJob, { n })\` one by one, then awaits the last body and \`whenIdle()\`; default maxConcurrentExecutions (os.availableParallelism()).`,
    ],
  };
}

async function noop(): Promise<void> {}

/** A job record as small as the memory store's: 16 fields. */
class MinimalRecord {
  explicitRunId = null;
  spec = null;
  attempt = 1;
  correlationId = null;
  createdOffsetMs = 0;
  keyed = null;
  status = "queued";
  startedAtMs: number | null = null;
  completedAtMs: number | null = null;
  lastError = null;
  message = null;
  sequence = 0;
  tableSlot = -1;
  constructor(
    readonly jobId: string,
    readonly payload: unknown,
    readonly dueTimeMs: number,
  ) {}
}

const ID_CODES = Array.from("0192f4c1-7a2b-7c3d-8e4f-0123456789ab", (char) => char.charCodeAt(0));

/**
 * The steps no scheduler can skip, and nothing else: an id, a record, an awaited handle, an async
 * body and its settlement. Records are kept in batches of 1,024 (as a queue would hold them).
 */
async function irreducibleSteps(count: number): Promise<void> {
  let settled = 0;
  let batch: MinimalRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    ID_CODES[35] = 48 + (index & 7);
    const jobId = String.fromCharCode.apply(null, ID_CODES);
    const record = new MinimalRecord(jobId, { n: index }, Date.now());
    batch.push(record);
    if (batch.length === 1024) batch = [];
    await Promise.resolve({
      jobId,
      runId: jobId,
      jobName: "noop",
      dueTime: new Date(record.dueTimeMs),
      attempt: 1,
      maxAttempts: 1,
    });
    noop().then(
      () => {
        record.status = "succeeded";
        record.completedAtMs = Date.now();
        settled += 1;
      },
      () => undefined,
    );
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (settled !== count)
    throw new Error(`in-memory throughput: ${settled} of ${count} minimal bodies settled.`);
}

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
      throw new Error(
        `in-memory throughput: ${services.Tally.count} bodies ran, expected ${jobCount}.`,
      );
    }
    return elapsed;
  } finally {
    await scheduler.stop();
  }
}
