import type { BenchMode } from "./support/bench-mode.js";
import type { SuiteReport } from "./support/figure.js";

/** One suite: how to load it and what its process needs. */
export interface SuiteEntry {
  readonly id: string;
  readonly load: () => Promise<(mode: BenchMode) => Promise<SuiteReport>>;
  /** Extra `node` flags for the suite's own process. */
  readonly nodeFlags: readonly string[];
  /** The runner kills the suite after this long, so `pnpm bench` always ends. */
  readonly timeoutMs: number;
}

/** The suites in the order `run-all` runs them, each in a fresh process. */
export const SUITES: readonly SuiteEntry[] = [
  {
    id: "invocation",
    load: async () => (await import("./suites/invocation.js")).runInvocationSuite,
    nodeFlags: [],
    timeoutMs: 120_000,
  },
  {
    id: "in-memory-throughput",
    load: async () => (await import("./suites/in-memory-throughput.js")).runInMemoryThroughputSuite,
    nodeFlags: [],
    timeoutMs: 180_000,
  },
  {
    id: "lateness",
    load: async () => (await import("./suites/lateness.js")).runLatenessSuite,
    nodeFlags: [],
    timeoutMs: 120_000,
  },
  {
    id: "scale",
    load: async () => (await import("./suites/scale.js")).runScaleSuite,
    nodeFlags: ["--expose-gc", "--max-old-space-size=8192"],
    timeoutMs: 240_000,
  },
  {
    id: "postgres-peers",
    load: async () => (await import("./suites/postgres-peers.js")).runPostgresPeersSuite,
    nodeFlags: [],
    timeoutMs: 420_000,
  },
  {
    id: "postgres-equal-batches",
    load: async () =>
      (await import("./suites/postgres-equal-batches.js")).runPostgresEqualBatchesSuite,
    nodeFlags: [],
    timeoutMs: 420_000,
  },
  {
    id: "queued-cancels",
    load: async () => (await import("./suites/queued-cancels.js")).runQueuedCancelsSuite,
    nodeFlags: [],
    timeoutMs: 300_000,
  },
  {
    id: "worker-processes",
    load: async () => (await import("./suites/worker-processes.js")).runWorkerProcessesSuite,
    nodeFlags: [],
    timeoutMs: 420_000,
  },
  {
    id: "generator",
    load: async () => (await import("./suites/generator.js")).runGeneratorSuite,
    nodeFlags: [],
    timeoutMs: 240_000,
  },
  {
    id: "cron",
    load: async () => (await import("./suites/cron.js")).runCronSuite,
    nodeFlags: [],
    timeoutMs: 120_000,
  },
  {
    id: "telemetry-cost",
    load: async () => (await import("./suites/telemetry-cost.js")).runTelemetryCostSuite,
    nodeFlags: ["--expose-gc"],
    timeoutMs: 300_000,
  },
  {
    id: "bulk-and-keys",
    load: async () => (await import("./suites/bulk-and-keys.js")).runBulkAndKeysSuite,
    nodeFlags: [],
    timeoutMs: 420_000,
  },
  {
    id: "run-time-schedules",
    load: async () => (await import("./suites/run-time-schedules.js")).runRunTimeSchedulesSuite,
    nodeFlags: ["--expose-gc"],
    timeoutMs: 420_000,
  },
];

export function findSuite(id: string): SuiteEntry {
  const suite = SUITES.find((entry) => entry.id === id);
  if (suite === undefined) {
    throw new Error(
      `Unknown suite "${id}"; known suites: ${SUITES.map((entry) => entry.id).join(", ")}.`,
    );
  }
  return suite;
}
