// Measures the PostgreSQL store (not a test; run after `pnpm build`):
//   [MAX_LEASED_RUNS=n] node packages/runtime/test/stores/postgres/bench/measure.mjs [jobs=20000] [concurrency=8]
// 1. enqueue rate: N enqueues issued at once through the public API (group commit);
// 2. drain rate: N queued no-op jobs run by one worker with maxConcurrentExecutions = concurrency;
// 3. lateness of future-dated jobs: 500 jobs due over 5 s, start time minus due time, p50/p99.
import pg from "pg";
import { createScheduler, defineJobRegistry } from "../../../../dist/index.js";
import { postgresStore } from "../../../../dist/stores/postgres/index.js";

const databaseUrl = process.env.ELARION_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const jobCount = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 8);
const schema = `elarion_measure_${process.pid}`;
const quiet = { debug() {}, info() {}, warn() {}, error: (m, d) => console.error(m, d) };

const descriptor = (name) => ({
  name, target: { kind: "class", className: "Bench" }, supportsRuntimeScheduling: true, schedule: null,
  overlap: "skip", overlapExplicit: false, maxConcurrentRuns: 0, group: null, misfire: "fire-once",
  resilience: null, enabled: true, placement: "cluster", dependencies: [], sourceFile: "measure.mjs", validatePayload: null,
});
let ran = 0;
let onRan = () => {};
const lateness = [];
class Noop {}
class Timed {}
const registry = defineJobRegistry([
  { descriptor: descriptor("bench.noop"), jobClass: Noop, invoke: () => { ran += 1; onRan(); } },
  { descriptor: descriptor("bench.timed"), jobClass: Timed, invoke: (_s, _p, context) => { lateness.push(Date.now() - context.dueTime.getTime()); onRan(); } },
], []);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const storeOptions = process.env.MAX_LEASED_RUNS === undefined ? {} : { maxLeasedRuns: Number(process.env.MAX_LEASED_RUNS) };
const schedulerOn = (options = {}) =>
  createScheduler({ registry, services: () => ({}), store: postgresStore({ pool, schema, ...storeOptions }), maxConcurrentExecutions: concurrency, logger: quiet, ...options });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const until = (condition) => new Promise((resolve) => { onRan = () => condition() && resolve(); if (condition()) resolve(); });

try {
  // 1 + 2: enqueue with a scheduler that only enqueues (no runs yet), then drain with a worker.
  const producer = createScheduler({ registry: { kind: "elarion.descriptors", descriptors: [descriptor("bench.noop"), descriptor("bench.timed")], policies: [] }, store: postgresStore({ pool, schema }), logger: quiet });
  await producer.start();
  let started = performance.now();
  const chunk = 2_000;
  for (let i = 0; i < jobCount; i += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, jobCount - i) }, (_, k) => producer.enqueue("bench.noop", { i: i + k })));
  }
  const enqueueSeconds = (performance.now() - started) / 1000;

  const worker = schedulerOn();
  started = performance.now();
  await worker.start();
  await until(() => ran >= jobCount);
  const bodiesSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".runs WHERE status IN ('queued', 'running')`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const drainSeconds = (performance.now() - started) / 1000;

  // 3: lateness of jobs due in the future (worker idle, woken by NOTIFY + its timer).
  const timedCount = Number(process.env.TIMED ?? 500);
  const base = Date.now() + 1_000;
  await Promise.all(Array.from({ length: timedCount }, (_, i) => producer.schedule("bench.timed", {}, base + Math.floor((i * Number(process.env.SPREAD ?? 5_000)) / timedCount))));
  await until(() => lateness.length >= timedCount);
  await worker.stop();
  await producer.stop();

  const sorted = [...lateness].sort((a, b) => a - b);
  console.log(`| measure | value |`);
  console.log(`|---|---|`);
  console.log(`| enqueue ${jobCount} (public API, all at once) | ${(jobCount / enqueueSeconds).toFixed(0)} jobs/s (${enqueueSeconds.toFixed(2)} s) |`);
  console.log(`| run ${jobCount} queued no-op jobs, concurrency ${concurrency} (bodies) | ${(jobCount / bodiesSeconds).toFixed(0)} jobs/s (${bodiesSeconds.toFixed(2)} s) |`);
  console.log(`| same, until completions are committed | ${(jobCount / drainSeconds).toFixed(0)} jobs/s (${drainSeconds.toFixed(2)} s) |`);
  console.log(`| lateness of ${timedCount} future-dated jobs (ms) | p50 ${percentile(sorted, 50)}, p99 ${percentile(sorted, 99)}, max ${sorted.at(-1)} |`);
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
