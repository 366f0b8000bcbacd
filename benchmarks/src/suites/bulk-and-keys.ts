import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { jobDescriptors, jobRegistry, type JobPayloads } from "../../fixture/src/jobs.generated.js";
import { elarionSystem } from "../peers/elarion-system.js";
import { graphileWorkerSystem } from "../peers/graphile-worker-system.js";
import { pgBossSystem } from "../peers/pg-boss-system.js";
import type { QueueSystem } from "../peers/queue-system.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { median } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

const SUITE = "8. bulk enqueue and keys";
const HOUR_MS = 3_600_000;
const KEYS_SCHEMA = "bench_keys";

/**
 * Suite 8: `enqueueMany` against graphile-worker's `addJobs` and pg-boss's `insert` on the same
 * database (enqueue only, no worker running), the two shapes a one-statement bulk insert can take
 * (arrays through `unnest` or one `jsonb` document through `jsonb_to_recordset`), and what an
 * enqueue-once key costs a single enqueue on each store.
 */
export async function runBulkAndKeysSuite(mode: BenchMode): Promise<SuiteReport> {
  const bulkCount = sized(mode, 20_000, 2_000);
  const runs = sized(mode, 3, 1);
  const memoryCount = sized(mode, 100_000, 10_000);
  const postgresCount = sized(mode, 2_000, 200);
  const figures: Figure[] = [];
  const notes: string[] = [];

  const bulk = await bulkEnqueueRates(bulkCount, runs);
  for (const peer of ["graphile-worker", "pg-boss"]) {
    figures.push({
      suite: SUITE,
      measure: `bulk enqueue of ${bulkCount.toLocaleString("en-US")} jobs (one call, no worker running; median of ${runs})`,
      ours: `enqueueMany: ${formatNumber(median(bulk.get("Elarion postgresStore")!))} jobs/s`,
      baseline: `${peer} ${peer === "pg-boss" ? "insert" : "addJobs"}: ${formatNumber(median(bulk.get(peer)!))} jobs/s`,
      ratio: formatRatio(median(bulk.get("Elarion postgresStore")!) / median(bulk.get(peer)!)),
      target: peer === "graphile-worker" ? "≥ 1× graphile-worker" : "—",
      met:
        peer === "graphile-worker"
          ? median(bulk.get("Elarion postgresStore")!) >= median(bulk.get(peer)!)
          : null,
    });
  }
  notes.push(
    `bulk enqueue: per run and system a fresh schema, then one timed call with ${bulkCount} no-op jobs due now: Elarion \`enqueueMany("bench.noop", payloads)\` ` +
      `from an enqueue-only scheduler, graphile-worker \`addJobs(specs)\`, pg-boss \`insert(jobs)\` (in the chunks the peers suite uses). ${runs} runs, systems in rotating order.`,
  );

  const memory = await keyCostMemory(memoryCount, runs);
  figures.push(
    keyFigure(
      `memory store, ${memoryCount.toLocaleString("en-US")} sequential schedule() calls`,
      memory,
    ),
  );
  const postgres = await keyCostPostgres(postgresCount, runs);
  figures.push(
    keyFigure(
      `postgresStore, ${postgresCount.toLocaleString("en-US")} sequential schedule() calls`,
      postgres,
    ),
  );
  notes.push(
    'key cost: `await schedule("bench.parked", { n }, now + 1 h, options)` one after another, without a key, with a new key per call (`{ key: "k" + n }`, the insert path), ' +
      `and with one key for every call (after the first, each is a deduplicated call that inserts nothing); each variant on a fresh scheduler (PostgreSQL: a fresh schema), median of ${runs} rounds in rotating order.`,
  );
  return { suite: SUITE, figures, notes };
}

type Rates = Map<string, number[]>;

async function bulkEnqueueRates(count: number, runs: number): Promise<Rates> {
  const systems: QueueSystem[] = [elarionSystem(), graphileWorkerSystem(500), pgBossSystem(1_000)];
  const rates: Rates = new Map(systems.map((system) => [system.name, []]));
  for (let run = 0; run < runs; run += 1) {
    for (let index = 0; index < systems.length; index += 1) {
      const system = systems[(index + run) % systems.length]!;
      await system.prepare();
      try {
        const ms = await timeAsync(() =>
          withDeadline(
            system.enqueueNoops(count),
            120_000,
            `${system.name}: enqueue of ${count} jobs`,
          ),
        );
        rates.get(system.name)!.push(count / (ms / 1000));
        process.stdout.write(
          `   run ${run + 1}: ${system.name}: ${formatNumber(count / (ms / 1000))} jobs/s\n`,
        );
      } finally {
        await system.close();
      }
    }
  }
  return rates;
}

interface KeyCost {
  readonly plain: number[];
  readonly keyed: number[];
  readonly duplicate: number[];
}

type Variant = "plain" | "keyed" | "duplicate";
const VARIANTS: readonly Variant[] = ["plain", "keyed", "duplicate"];

function optionsOf(variant: Variant, n: number): { key?: string } {
  if (variant === "plain") return {};
  return { key: variant === "keyed" ? `k${n}` : "same" };
}

/** By name, so the enqueue-only scheduler (descriptor sets, no classes) takes the same calls. */
async function timeVariant(
  scheduler: Pick<JobScheduler<never, JobPayloads>, "schedule">,
  variant: Variant,
  count: number,
  dueMs: number,
): Promise<number> {
  const ms = await timeAsync(async () => {
    for (let n = 0; n < count; n += 1)
      await scheduler.schedule("bench.parked", { n }, dueMs, optionsOf(variant, n));
  });
  return count / (ms / 1000);
}

async function keyCostMemory(count: number, runs: number): Promise<KeyCost> {
  const cost: KeyCost = { plain: [], keyed: [], duplicate: [] };
  for (let run = 0; run < runs; run += 1) {
    for (let index = 0; index < VARIANTS.length; index += 1) {
      const variant = VARIANTS[(index + run) % VARIANTS.length]!;
      const scheduler = createScheduler({ registry: jobRegistry, services: fixtureServices() });
      await scheduler.start();
      cost[variant].push(await timeVariant(scheduler, variant, count, Date.now() + HOUR_MS));
      await scheduler.stop();
    }
  }
  return cost;
}

async function keyCostPostgres(count: number, runs: number): Promise<KeyCost> {
  const cost: KeyCost = { plain: [], keyed: [], duplicate: [] };
  const pool = benchPool(4);
  try {
    for (let run = 0; run < runs; run += 1) {
      for (let index = 0; index < VARIANTS.length; index += 1) {
        const variant = VARIANTS[(index + run) % VARIANTS.length]!;
        await dropSchema(pool, KEYS_SCHEMA);
        const scheduler: JobScheduler<never, JobPayloads> = createScheduler({
          registry: jobDescriptors,
          store: postgresStore({ pool, schema: KEYS_SCHEMA }),
        });
        await scheduler.start();
        try {
          cost[variant].push(await timeVariant(scheduler, variant, count, Date.now() + HOUR_MS));
        } finally {
          await scheduler.stop();
        }
      }
    }
    await dropSchema(pool, KEYS_SCHEMA);
  } finally {
    await pool.end();
  }
  return cost;
}

function keyFigure(where: string, cost: KeyCost): Figure {
  const plain = median(cost.plain);
  const keyed = median(cost.keyed);
  const duplicate = median(cost.duplicate);
  return {
    suite: SUITE,
    measure: `cost of a key on a single enqueue, ${where}: new key / same key every call (median)`,
    ours: `${formatNumber(keyed)} / ${formatNumber(duplicate)} calls/s`,
    baseline: `no key: ${formatNumber(plain)} calls/s`,
    ratio: `${formatRatio(keyed / plain)} / ${formatRatio(duplicate / plain)}`,
    target: "—",
    met: null,
  };
}
