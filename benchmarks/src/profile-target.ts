import pg from "pg";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { writeHeapSnapshot } from "node:v8";
import { ParkedJob } from "../fixture/src/jobs/parked-job.js";
import { summarizeHeapSnapshot } from "./heap-snapshot-summary.js";
import { LatenessRecorder } from "../fixture/src/lateness-recorder.js";
import { Tally } from "../fixture/src/tally.js";
import { elarionCancelSystem } from "./peers/elarion-cancel-system.js";
import { elarionSystem } from "./peers/elarion-system.js";
import { fixtureServices } from "./support/fixture-services.js";
import { timeAsync } from "./support/stopwatch.js";
import { measureLateness } from "./support/lateness-probes.js";
import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { SlotProbeJob } from "../fixture/src/jobs/slot-probe-job.js";
import { NoopJob } from "../fixture/src/jobs/noop-job.js";
import { jobRegistry } from "../fixture/src/jobs.generated.js";

/**
 * Runs one workload alone so it can be profiled: `node --cpu-prof --cpu-prof-dir=.tmp/profiles
 * dist/src/profile-target.js <memory-throughput|memory-pending|postgres-processing|postgres-lateness|postgres-cancels|postgres-cancels-at-once|postgres-enqueue-many|postgres-schedule-upserts> [count]`. Prints wall time and
 * the process's CPU time over the measured phase (CPU ≪ wall means the time is spent waiting).
 */
async function main(workload: string | undefined, count: number): Promise<void> {
  switch (workload) {
    case "memory-throughput": {
      const services = fixtureServices();
      const scheduler = createScheduler({ registry: jobRegistry, services });
      await scheduler.start();
      await report(workload, count, async () => {
        for (let n = 0; n < count; n += 1) await scheduler.enqueue(NoopJob, { n });
        await services.Tally.reached(count);
        await scheduler.whenIdle();
      });
      await scheduler.stop();
      return;
    }
    case "memory-pending": {
      const scheduler = createScheduler({ registry: jobRegistry, services: fixtureServices() });
      await scheduler.start();
      const dueTime = Date.now() + 3_600_000;
      for (let n = 0; n < count; n += 1) await scheduler.schedule(ParkedJob, { n }, dueTime);
      const file = writeHeapSnapshot();
      process.stdout.write(summarizeHeapSnapshot(file, count, 20));
      await scheduler.stop();
      return;
    }
    case "postgres-processing": {
      const trace = traceQueries();
      const plans =
        process.env.EXPLAIN_MIN_MS === undefined
          ? null
          : explainSlowStatements(Number(process.env.EXPLAIN_MIN_MS));
      const system = elarionSystem(
        process.env.MAX_LEASED_RUNS === undefined ? undefined : Number(process.env.MAX_LEASED_RUNS),
        { keepFinishedJobs: process.env.KEEP_FINISHED_JOBS !== "0" },
      );
      await system.prepare();
      await system.enqueueNoops(count);
      const probes = { tally: new Tally(), recorder: new LatenessRecorder() };
      trace.reset();
      await report(workload, count, async () => {
        await system.startWorkers(probes);
        await probes.tally.reached(count);
      });
      process.stdout.write(trace.summary());
      if (plans !== null) process.stdout.write(plans());
      await system.close();
      return;
    }
    case "postgres-cancels": {
      // Suite 5c's one-by-one mode: `count` queued jobs, each cancelJob awaited before the next.
      const trace = traceQueries();
      const system = elarionCancelSystem();
      await system.prepare();
      const jobIds = await system.enqueueQueued(count);
      trace.reset();
      await report(workload, count, async () => {
        for (const jobId of jobIds) await system.cancelOne(jobId);
      });
      process.stdout.write(trace.summary());
      await system.close();
      return;
    }
    case "postgres-cancels-at-once": {
      // Suite 5c's all-at-once mode: `count` queued jobs, every cancelJob issued together.
      const trace = traceQueries();
      const system = elarionCancelSystem();
      await system.prepare();
      const jobIds = await system.enqueueQueued(count);
      trace.reset();
      await report(workload, count, async () => {
        await Promise.all(jobIds.map((jobId) => system.cancelOne(jobId)));
      });
      process.stdout.write(trace.summary());
      await system.close();
      return;
    }
    case "postgres-enqueue-many": {
      // Suite 8's bulk enqueue: one enqueueMany of `count` no-op jobs, no worker running.
      const trace = traceQueries();
      const system = elarionSystem();
      await system.prepare();
      await system.enqueueNoops(100);
      trace.reset();
      await report(workload, count, () => system.enqueueNoops(count));
      process.stdout.write(trace.summary());
      await system.close();
      return;
    }
    case "postgres-schedule-upserts": {
      // Suite 9's setup pass: `count` upsertSchedule calls, 16 in flight, on postgresStore.
      const trace = traceQueries();
      const pool = new pg.Pool({
        connectionString:
          process.env.ELARION_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
        max: 20,
      });
      await pool.query("DROP SCHEMA IF EXISTS bench_profile_schedules CASCADE");
      const scheduler = createScheduler({
        registry: jobRegistry,
        services: fixtureServices(),
        store: postgresStore({ pool, schema: "bench_profile_schedules" }),
      });
      await scheduler.start();
      const cron = "0 0 0 1 1 *";
      trace.reset();
      await report(workload, count, async () => {
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < count) {
            const tenant = next++;
            await scheduler.upsertSchedule(`tenant-${tenant}`, SlotProbeJob, { tenant }, { cron });
          }
        };
        await Promise.all(Array.from({ length: 16 }, lane));
      });
      process.stdout.write(trace.summary());
      await scheduler.stop();
      await pool.query("DROP SCHEMA IF EXISTS bench_profile_schedules CASCADE");
      await pool.end();
      return;
    }
    case "postgres-lateness": {
      const trace = traceQueries();
      const system = elarionSystem();
      await system.prepare();
      const probes = { tally: new Tally(), recorder: new LatenessRecorder() };
      await system.startWorkers(probes);
      trace.reset();
      const loopDelay = monitorEventLoopDelay({ resolution: 1 });
      loopDelay.enable();
      const summary = await measureLateness(count, probes.recorder, (dueMs) =>
        system.scheduleProbe(dueMs),
      );
      loopDelay.disable();
      process.stdout.write(
        `postgres-lateness: ${count} probes: p50 ${summary.p50.toFixed(2)} / p99 ${summary.p99.toFixed(2)} / max ${summary.max.toFixed(2)} ms; ` +
          `event-loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)} / p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} / max ${(loopDelay.max / 1e6).toFixed(2)} ms\n`,
      );
      process.stdout.write(trace.summary());
      await system.close();
      return;
    }
    default:
      throw new Error(
        `usage: profile-target.js <memory-throughput|memory-pending|postgres-processing|postgres-lateness|postgres-cancels|postgres-cancels-at-once|postgres-enqueue-many|postgres-schedule-upserts> [count]; got "${String(workload)}".`,
      );
  }
}

/**
 * Loads auto_explain in every new session with its output sent to the client as NOTICEs, and keeps
 * the plans of statements slower than `minMs` (the slowest three are printed).
 */
function explainSlowStatements(minMs: number): () => string {
  const plans: { ms: number; text: string }[] = [];
  const OriginalPool = pg.Pool;
  class ExplainingPool extends OriginalPool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      this.on("connect", (client) => {
        client.on("notice", (notice) => {
          const duration = /duration: ([\d.]+) ms/.exec(notice.message ?? "");
          if (duration !== null)
            plans.push({ ms: Number(duration[1]), text: notice.message ?? "" });
        });
        for (const statement of [
          "LOAD 'auto_explain'",
          `SET auto_explain.log_min_duration = ${Math.round(minMs)}`,
          "SET auto_explain.log_analyze = on",
          "SET auto_explain.log_buffers = on",
          "SET auto_explain.log_level = 'notice'",
        ]) {
          void client
            .query(statement)
            .catch((error: unknown) => process.stderr.write(`auto_explain: ${String(error)}\n`));
        }
      });
    }
  }
  (pg as unknown as { Pool: unknown }).Pool = ExplainingPool;
  return () => {
    // The slowest plan of each distinct statement.
    const slowest = new Map<string, { ms: number; text: string; count: number }>();
    for (const plan of plans) {
      const key = (/Query Text:\s*([\s\S]{0,120})/.exec(plan.text)?.[1] ?? "?").replace(
        /\s+/g,
        " ",
      );
      const seen = slowest.get(key);
      if (seen === undefined || seen.ms < plan.ms)
        slowest.set(key, { ...plan, count: (seen?.count ?? 0) + 1 });
      else seen.count += 1;
    }
    return (
      `\n${plans.length} statements slower than ${minMs} ms; the slowest of each kind:\n` +
      [...slowest.values()]
        .map((plan) => `(${plan.count} over ${minMs} ms)\n${plan.text}`)
        .join("\n---\n") +
      "\n"
    );
  };
}

/**
 * Counts and times every query any pg client sends, by statement, to show where the wall time goes.
 * complete-and-claim round trips are split into claims and completion-only flushes, with what they
 * carried; the summary also says how long one statement or more, and two or more, were in flight.
 */
function traceQueries(): { reset(): void; summary(): string } {
  const stats = new Map<
    string,
    { calls: number; ms: number; rows: number; completions: number; starts: number; leased: number }
  >();
  let inFlight = 0;
  let sinceMs = performance.now();
  let lastChangeMs = sinceMs;
  let busyMs = 0;
  let overlapMs = 0;
  const inFlightChanged = (delta: number): void => {
    const now = performance.now();
    if (inFlight >= 1) busyMs += now - lastChangeMs;
    if (inFlight >= 2) overlapMs += now - lastChangeMs;
    lastChangeMs = now;
    inFlight += delta;
  };
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function tracedQuery(
    this: pg.Client,
    ...args: unknown[]
  ) {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    const text = (typeof first === "string" ? first : (first.text ?? "?"))
      .replace(/\s+/g, " ")
      .trim();
    const values =
      typeof first === "string"
        ? Array.isArray(args[1])
          ? (args[1] as unknown[])
          : []
        : (first.values ?? []);
    // complete-and-claim.sql: $4 is the claim limit (0: completion-only), $8/$9 the completed and started run ids.
    const completeAndClaim = text.startsWith("WITH locked AS"); // its first CTE (see the file)
    const label = completeAndClaim
      ? `complete-and-claim.sql, ${Number(values[3]) > 0 ? "claiming" : "completion-only flush"}`
      : text.slice(0, 70);
    const start = performance.now();
    inFlightChanged(1);
    let recorded = false;
    const record = (
      value: { rowCount?: number | null; rows?: { run_id?: unknown }[] } | undefined,
    ) => {
      if (recorded) return;
      recorded = true;
      inFlightChanged(-1);
      const entry = stats.get(label) ?? {
        calls: 0,
        ms: 0,
        rows: 0,
        completions: 0,
        starts: 0,
        leased: 0,
      };
      entry.calls += 1;
      entry.ms += performance.now() - start;
      entry.rows += value?.rowCount ?? 0;
      if (completeAndClaim) {
        entry.completions += Array.isArray(values[7]) ? values[7].length : 0;
        entry.starts += Array.isArray(values[8]) ? values[8].length : 0;
        entry.leased += value?.rows?.filter((row) => row.run_id !== null).length ?? 0;
      }
      stats.set(label, entry);
    };
    const callback = args.at(-1);
    if (typeof callback === "function") {
      // pg.Pool#query passes a callback instead of using the promise.
      args[args.length - 1] = (error: unknown, value: { rowCount?: number | null } | undefined) => {
        record(value);
        (callback as (error: unknown, value: unknown) => void)(error, value);
      };
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) void result.then(record, () => record(undefined));
    return result;
  };
  return {
    reset: () => {
      stats.clear();
      sinceMs = performance.now();
      lastChangeMs = sinceMs;
      busyMs = 0;
      overlapMs = 0;
    },
    summary: () => {
      inFlightChanged(0);
      const wallMs = performance.now() - sinceMs;
      const lines = [...stats.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([label, entry]) => {
          const carried = label.startsWith("complete-and-claim")
            ? `  [per call: ${(entry.completions / entry.calls).toFixed(1)} completions, ${(entry.starts / entry.calls).toFixed(1)} start marks, ${(entry.leased / entry.calls).toFixed(1)} runs leased]`
            : "";
          return `  ${String(entry.calls).padStart(6)} calls ${entry.ms.toFixed(0).padStart(7)} ms total ${(entry.ms / entry.calls).toFixed(2).padStart(7)} ms avg ${String(entry.rows).padStart(7)} rows  ${label}${carried}`;
        });
      return (
        `statements in flight (until this summary): one or more for ${busyMs.toFixed(0)} ms, two or more for ${overlapMs.toFixed(0)} ms, of ${wallMs.toFixed(0)} ms\n` +
        lines.join("\n") +
        "\n"
      );
    },
  };
}

async function report(workload: string, count: number, phase: () => Promise<void>): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const wallMs = await timeAsync(phase);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(
    `${workload}: ${count} jobs in ${wallMs.toFixed(0)} ms wall (${Math.round(count / (wallMs / 1000))} jobs/s), ` +
      `process CPU ${cpuMs.toFixed(0)} ms = ${((cpuMs / wallMs) * 100).toFixed(0)}% of wall\n`,
  );
}

const [workload, countText] = process.argv.slice(2);
main(workload, Number(countText ?? 20_000)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
