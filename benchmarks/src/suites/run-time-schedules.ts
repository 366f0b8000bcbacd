import { createScheduler, type JobStore } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { SlotProbeJob } from "../../fixture/src/jobs/slot-probe-job.js";
import { jobRegistry } from "../../fixture/src/jobs.generated.js";
import { Ledger } from "../../fixture/src/ledger.js";
import { Tally } from "../../fixture/src/tally.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, type Figure, type SuiteReport } from "../support/figure.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { summarizeLatency, type LatencySummary } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

const SUITE = "9. schedules defined at run time";
const SCHEMA = "bench_schedules";
/** Upserts in flight at once while setting up (the PostgreSQL store answers each in a few round trips). */
const SETUP_CONCURRENCY = 16;
/** The slot every schedule shares is at least this far after the last upsert is expected to return. */
const SLOT_MARGIN_MS = 3_000;

/**
 * Suite 9: many schedules defined at run time (`upsertSchedule`), one per tenant. Heap per schedule
 * on the memory store, and how late the slots start when all of them fall due at the same instant
 * (every tenant's cron names the same second), on the memory store and on `postgresStore`.
 * Needs `node --expose-gc`.
 */
export async function runRunTimeSchedulesSuite(mode: BenchMode): Promise<SuiteReport> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined)
    throw new Error(
      "run-time-schedules: run with `node --expose-gc` (the runner does) to measure heap per schedule.",
    );
  const memoryCount = sized(mode, 10_000, 1_000);
  const postgresCount = sized(mode, 10_000, 500);

  const heap = await heapPerSchedule(memoryCount, collect);
  const memory = await slotLateness(memoryCount, undefined);
  const pool = benchPool(SETUP_CONCURRENCY + 4);
  let postgres: LatenessRun;
  try {
    await dropSchema(pool, SCHEMA);
    postgres = await slotLateness(postgresCount, postgresStore({ pool, schema: SCHEMA }));
    await dropSchema(pool, SCHEMA);
  } finally {
    await pool.end();
  }

  const figures: Figure[] = [
    {
      suite: SUITE,
      measure: `heap per schedule, ${memoryCount.toLocaleString("en-US")} schedules on the memory store (heapUsed delta ÷ schedules)`,
      ours: `${formatNumber(heap.bytesPerSchedule)} B`,
      baseline: "—",
      ratio: "—",
      target: "—",
      met: null,
    },
    latenessFigure(
      `memory store, ${memoryCount.toLocaleString("en-US")} schedules due at one instant`,
      memory,
    ),
    latenessFigure(
      `postgresStore (one worker, maxConcurrentExecutions 8), ${postgresCount.toLocaleString("en-US")} schedules due at one instant`,
      postgres,
    ),
    {
      suite: SUITE,
      measure:
        "upsertSchedule rate while setting up (memory / postgresStore, 16 in flight on PostgreSQL)",
      ours: `${formatNumber(memory.upsertRate)} / ${formatNumber(postgres.upsertRate)} upserts/s`,
      baseline: "—",
      ratio: "—",
      target: "—",
      met: null,
    },
  ];
  return {
    suite: SUITE,
    figures,
    notes: [
      `run-time schedules: heap — ${memoryCount} \`upsertSchedule("tenant-i", SlotProbeJob, { tenant: i }, { cron })\` on a started memory-store scheduler, heapUsed after two forced GCs ` +
        "before creating the scheduler and after the upserts (the delta holds each schedule, its pending occurrence and the payload). " +
        "Lateness — every schedule is upserted once (a slot a month ahead; this timed pass is the upsert rate), then again with the cron of one shared second " +
        `(\`s m h D M *\`, once a year) at least ${SLOT_MARGIN_MS / 1000} s after the second pass should end; each occurrence records start − due (\`context.dueTime\`) at the top of its body; p50 / p99 / max over all of them.`,
    ],
  };
}

interface LatenessRun {
  readonly lateness: LatencySummary;
  readonly upsertRate: number;
}

function latenessFigure(where: string, run: LatenessRun): Figure {
  return {
    suite: SUITE,
    measure: `lateness of slots, ${where}: p50 / p99 / max`,
    ours: `${formatNumber(run.lateness.p50)} / ${formatNumber(run.lateness.p99)} / ${formatNumber(run.lateness.max)} ms`,
    baseline: "—",
    ratio: "—",
    target: "—",
    met: null,
  };
}

async function heapPerSchedule(
  count: number,
  collect: () => void,
): Promise<{ bytesPerSchedule: number }> {
  collect();
  collect();
  const before = process.memoryUsage().heapUsed;
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: services(new LatenessRecorder()),
  });
  await scheduler.start();
  const cron = onceAYear(Date.now() + 30 * 86_400_000);
  for (let tenant = 0; tenant < count; tenant += 1)
    await scheduler.upsertSchedule(`tenant-${tenant}`, SlotProbeJob, { tenant }, { cron });
  collect();
  collect();
  const after = process.memoryUsage().heapUsed;
  await scheduler.stop();
  return { bytesPerSchedule: (after - before) / count };
}

async function slotLateness(count: number, store: JobStore | undefined): Promise<LatenessRun> {
  const recorder = new LatenessRecorder();
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: services(recorder),
    maxConcurrentExecutions: 8,
    ...(store === undefined ? {} : { store }),
  });
  await scheduler.start();
  try {
    // A placeholder slot far ahead while setting up; the real slot is set once every schedule exists.
    const setupMs = await upsertAll(scheduler, count, onceAYear(Date.now() + 30 * 86_400_000));
    // The second round of upserts takes about as long as the first; the slot must come after it.
    const slotMs = Math.ceil((Date.now() + SLOT_MARGIN_MS + 1.5 * setupMs) / 1000) * 1000;
    await upsertAll(scheduler, count, onceAYear(slotMs));
    const allRan = recorder.reached(count);
    await withDeadline(
      allRan,
      Math.max(60_000, slotMs - Date.now() + 120_000),
      `${count} slots due at one instant`,
    );
    return {
      lateness: summarizeLatency(recorder.samples.slice(0, count)),
      upsertRate: count / (setupMs / 1000),
    };
  } finally {
    await scheduler.stop();
  }
}

async function upsertAll(
  scheduler: {
    upsertSchedule(
      key: string,
      job: typeof SlotProbeJob,
      payload: { tenant: number },
      schedule: { cron: string },
    ): Promise<unknown>;
  },
  count: number,
  cron: string,
): Promise<number> {
  return timeAsync(async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const tenant = next++;
        await scheduler.upsertSchedule(`tenant-${tenant}`, SlotProbeJob, { tenant }, { cron });
      }
    };
    await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, lane));
  });
}

/** A 6-field cron that fires at `atMs` (UTC, to the second) and then only a year later. */
function onceAYear(atMs: number): string {
  const at = new Date(atMs);
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

function services(recorder: LatenessRecorder) {
  return { Tally: new Tally(), Ledger: new Ledger(), LatenessRecorder: recorder };
}
