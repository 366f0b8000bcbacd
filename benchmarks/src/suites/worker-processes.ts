import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createScheduler } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { jobDescriptors } from "../../fixture/src/jobs.generated.js";
import { WORKER_CONCURRENCY } from "../peers/queue-system.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { describeCpuBetween, readCpu } from "../support/cpu-accounting.js";
import type {
  WorkerCommand,
  WorkerProcessOptions,
  WorkerReport,
} from "../support/elarion-worker-process.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { loadAverageText } from "../support/load-average.js";
import { benchPool, dropSchema } from "../support/postgres.js";
import { median } from "../support/statistics.js";
import { withDeadline } from "../support/stopwatch.js";

const SUITE = "5d. Elarion worker processes on one schema";
const SCHEMA = "bench_elarion_scaling";
const PROCESS_COUNTS = [1, 2, 4] as const;
const POOL_SIZE_PER_PROCESS = 10;
const workerEntry = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "support",
  "elarion-worker-process.js",
);

interface Measured {
  readonly rate: number;
  /** Summed CPU of the worker processes over the measured phase, in cores (1.0 = one core busy). */
  readonly workerCores: number;
  readonly cpu: string;
}

/**
 * Suite 5d: a backlog of N no-op jobs on one schema, drained by 1, 2 and 4 Elarion worker processes
 * (each its own `node` process with its own pool and scheduler, concurrency 8). The clock runs from
 * telling the connected processes to start until the processes' counts of run bodies add up to N.
 */
export async function runWorkerProcessesSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 20_000, 2_000);
  const runCount = sized(mode, 3, 1);
  const measured = new Map<number, Measured[]>(PROCESS_COUNTS.map((count) => [count, []]));
  const loads: string[] = [];
  for (let run = 0; run < runCount; run += 1) {
    for (let index = 0; index < PROCESS_COUNTS.length; index += 1) {
      const processes = PROCESS_COUNTS[(index + run) % PROCESS_COUNTS.length]!;
      await enqueueBacklog(jobCount);
      const result = await drainWithProcesses(processes, jobCount);
      measured.get(processes)!.push(result);
      process.stdout.write(
        `   run ${run + 1}: ${processes} process${processes === 1 ? "" : "es"}: ${formatNumber(result.rate)} jobs/s (workers ${result.workerCores.toFixed(2)} cores; ${result.cpu})\n`,
      );
    }
    loads.push(loadAverageText());
  }

  const rateOf = (processes: number): number =>
    median(measured.get(processes)!.map((entry) => entry.rate));
  const single = rateOf(1);
  const figures: Figure[] = PROCESS_COUNTS.map((processes) => ({
    suite: SUITE,
    measure: `processed jobs/s, ${jobCount.toLocaleString("en-US")} no-op jobs, ${processes} worker process${processes === 1 ? "" : "es"} × concurrency ${WORKER_CONCURRENCY} (median of ${runCount})`,
    ours: `${formatNumber(rateOf(processes))} jobs/s`,
    baseline: processes === 1 ? "—" : `1 process: ${formatNumber(single)} jobs/s`,
    ratio: processes === 1 ? "—" : formatRatio(rateOf(processes) / single),
    target: "—",
    met: null,
  }));
  return {
    suite: SUITE,
    figures,
    notes: [
      `Worker processes: per run and process count, schema ${SCHEMA} is dropped and migrated and ${jobCount} no-op jobs are enqueued by a separate enqueue-only scheduler (not timed); ` +
        `then 1, 2 or 4 \`node\` processes are forked, each with its own pg.Pool (max ${POOL_SIZE_PER_PROCESS}) and a worker scheduler ` +
        `(\`postgresStore({ pool, schema })\` defaults, i.e. maxLeasedRuns 256; maxConcurrentExecutions ${WORKER_CONCURRENCY}), connected before the clock starts. ` +
        `The clock runs from sending them "start" (scheduler start-up included) until their reported body counts add up to ${jobCount}; then they stop and the totals are checked: ` +
        `exactly ${jobCount} bodies ran. ${runCount} runs, process counts in rotating order. The machine has ${os.availableParallelism()} cores shared with PostgreSQL, so more processes compete with the server for them. ` +
        `Load average after each run: ${loads.join("; ")}.`,
      `Worker processes, CPU per run (workers' summed CPU in cores; the whole machine's busy share, and the CPU of the postgres processes alive at the end, other sessions' queries included: a lower bound): ` +
        PROCESS_COUNTS.map(
          (processes) =>
            `${processes} process${processes === 1 ? "" : "es"}: ${measured
              .get(processes)!
              .map(
                (entry) =>
                  `${formatNumber(entry.rate)} jobs/s, workers ${entry.workerCores.toFixed(2)} cores, ${entry.cpu}`,
              )
              .join("; ")}`,
        ).join(" — ") +
        ".",
    ],
  };
}

async function enqueueBacklog(jobCount: number): Promise<void> {
  const pool = benchPool(POOL_SIZE_PER_PROCESS);
  try {
    await dropSchema(pool, SCHEMA);
    const producer = createScheduler({
      registry: jobDescriptors,
      store: postgresStore({ pool, schema: SCHEMA }),
    });
    await producer.start();
    try {
      await withDeadline(
        Promise.all(
          Array.from({ length: jobCount }, (_, n) => producer.enqueue("bench.noop", { n })),
        ),
        120_000,
        `enqueue of a ${jobCount}-job backlog`,
      );
    } finally {
      await producer.stop();
    }
  } finally {
    await pool.end();
  }
}

/** One forked worker process and what it reported last. */
interface Worker {
  readonly child: ChildProcess;
  ran: number;
  cpuMs: number;
  stopped: boolean;
}

async function drainWithProcesses(processes: number, jobCount: number): Promise<Measured> {
  const options: WorkerProcessOptions = {
    schema: SCHEMA,
    concurrency: WORKER_CONCURRENCY,
    poolSize: POOL_SIZE_PER_PROCESS,
  };
  const workers: Worker[] = [];
  let reachedAll: (() => void) | null = null;
  let failed: ((error: Error) => void) | null = null;
  const outcome = new Promise<void>((resolve, reject) => {
    reachedAll = resolve;
    failed = reject;
  });
  // Marked handled: a worker may fail before anything awaits the outcome; the awaits below race it.
  outcome.catch(() => undefined);
  const total = (): number => workers.reduce((sum, worker) => sum + worker.ran, 0);
  try {
    const ready: Promise<void>[] = [];
    for (let index = 0; index < processes; index += 1) {
      const child = fork(workerEntry, [JSON.stringify(options)], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const worker: Worker = { child, ran: 0, cpuMs: 0, stopped: false };
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve) => {
          child.on("message", (report: WorkerReport) => {
            if (report.type === "ready") resolve();
            else {
              worker.ran = report.count;
              worker.cpuMs = report.cpuMs;
              if (report.type === "stopped") worker.stopped = true;
              else if (total() >= jobCount) reachedAll?.();
            }
          });
        }),
      );
      child.on("exit", (code) => {
        if (!worker.stopped)
          failed?.(
            new Error(
              `worker process ${index + 1} of ${processes} exited (code ${String(code)}) before it was told to stop.`,
            ),
          );
      });
    }
    await withDeadline(
      Promise.race([Promise.all(ready), outcome]),
      60_000,
      `${processes} worker processes connecting`,
    );
    const cpuBefore = readCpu();
    const started = performance.now();
    for (const worker of workers) worker.child.send({ type: "start" } satisfies WorkerCommand);
    await withDeadline(
      outcome,
      180_000,
      `${processes} worker processes processing ${jobCount} jobs`,
    );
    const wallMs = performance.now() - started;
    const cpu = describeCpuBetween(cpuBefore, readCpu(), wallMs);
    const workerCores = workers.reduce((sum, worker) => sum + worker.cpuMs, 0) / wallMs;

    const exited = workers.map(
      (worker) =>
        new Promise<void>((resolve) =>
          worker.child.exitCode !== null ? resolve() : worker.child.once("exit", () => resolve()),
        ),
    );
    for (const worker of workers) worker.child.send({ type: "stop" } satisfies WorkerCommand);
    await withDeadline(Promise.all(exited), 60_000, `${processes} worker processes stopping`);
    if (total() !== jobCount) {
      throw new Error(
        `${processes} worker processes ran ${total()} bodies for ${jobCount} jobs; the backlog was not processed exactly once.`,
      );
    }
    return { rate: jobCount / (wallMs / 1000), workerCores, cpu };
  } finally {
    for (const worker of workers)
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill("SIGKILL");
  }
}
