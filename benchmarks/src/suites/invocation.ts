import { Bench } from "tinybench";
import type { ScheduledJobContext, ServiceTable } from "@elarion/runtime";
import {
  InvoiceTotalJob,
  type InvoiceTotalPayload,
} from "../../fixture/src/jobs/invoice-total-job.js";
import { jobRegistry, type JobServices } from "../../fixture/src/jobs.generated.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { fixtureServices } from "../support/fixture-services.js";
import { formatNumber, formatRatio, type SuiteReport } from "../support/figure.js";
import { median } from "../support/statistics.js";

const JOB_NAME = "bench.invoice-total";
/** Calls per tinybench sample: one call is ~10 ns, far below the timer's resolution. */
const CALLS_PER_SAMPLE = 1_000;

/** Runs one path `CALLS_PER_SAMPLE` times; each path has its own loop so none pays for an extra wrapper call. */
type InvocationLoop = (payload: InvoiceTotalPayload, context: ScheduledJobContext) => void;

/**
 * Suite 1: the generator's delegate against the call a person would write by hand, and against a
 * reflection-style container (name → class + dependency keys, `Reflect.construct`, method by name).
 * Each path constructs the job with its two dependencies and runs the same small body.
 */
export async function runInvocationSuite(mode: BenchMode): Promise<SuiteReport> {
  const services = fixtureServices();
  const paths = {
    generated: generatedPath(services),
    "hand-written": handWrittenPath(services),
    "reflection-style": reflectionPath(services),
    "hand-written reading a services object": handWrittenFromTablePath(services),
  } satisfies Record<string, InvocationLoop>;
  const payload: InvoiceTotalPayload = {
    lines: [
      { qty: 2, unitCents: 450 },
      { qty: 1, unitCents: 1299 },
    ],
  };
  const context = fakeContext();

  const rounds = sized(mode, 7, 2);
  const nsPerCall: Record<keyof typeof paths, number[]> = {
    generated: [],
    "hand-written": [],
    "reflection-style": [],
    "hand-written reading a services object": [],
  };
  const names = Object.keys(paths) as (keyof typeof paths)[];
  for (let round = 0; round < rounds; round += 1) {
    const bench = new Bench({ time: sized(mode, 250, 30), warmupTime: sized(mode, 100, 10) });
    // Rotate the order so no path always runs first (or last) in a round.
    const order = names.map((_, index) => names[(index + round) % names.length]!);
    for (const name of order) {
      const loop = paths[name];
      bench.add(name, () => loop(payload, context));
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result === undefined || !("latency" in result))
        throw new Error(`invocation: tinybench produced no result for ${task.name}.`);
      nsPerCall[task.name as keyof typeof paths].push(
        (result.latency.p50 * 1e6) / CALLS_PER_SAMPLE,
      );
    }
  }
  if (services.Ledger.balance <= 0 || services.Tally.count === 0) {
    throw new Error("invocation: the job body never ran; the measurement would be of nothing.");
  }

  const generated = median(nsPerCall.generated);
  const handWritten = median(nsPerCall["hand-written"]);
  const reflection = median(nsPerCall["reflection-style"]);
  const handWrittenFromTable = median(nsPerCall["hand-written reading a services object"]);
  const generatedRatio = generated / handWritten;
  return {
    suite: "1. invocation",
    figures: [
      {
        suite: "1. invocation",
        measure: "generated delegate, ns per call (construct + execute)",
        ours: `${formatNumber(generated)} ns`,
        baseline: `hand-written: ${formatNumber(handWritten)} ns`,
        ratio: formatRatio(generatedRatio),
        target: "≤ 1.10×",
        met: generatedRatio <= 1.1,
      },
      {
        suite: "1. invocation",
        measure: "reflection-style path, ns per call",
        ours: `generated: ${formatNumber(generated)} ns`,
        baseline: `reflection-style: ${formatNumber(reflection)} ns`,
        ratio: `${formatRatio(reflection / generated)} slower`,
        target: "—",
        met: null,
      },
      {
        suite: "1. invocation",
        measure:
          'diagnostic: hand-written call reading its services as `services["Key"]` from the object the runtime hands the delegate',
        ours: `generated: ${formatNumber(generated)} ns`,
        baseline: `hand-written reading a services object: ${formatNumber(handWrittenFromTable)} ns`,
        ratio: formatRatio(generated / handWrittenFromTable),
        target: "—",
        met: null,
      },
    ],
    notes: [
      `invocation: median of ${rounds} tinybench rounds (order rotated each round), p50 of samples of ${CALLS_PER_SAMPLE} calls each; ` +
        `the job body sums two invoice lines and posts the total to a ledger.`,
    ],
  };
}

/** What the runtime does: the registry's `invoke`, given the services object passed to `createScheduler` as-is. */
function generatedPath(services: JobServices): InvocationLoop {
  const definition = jobRegistry.jobs.find((job) => job.descriptor.name === JOB_NAME);
  if (definition === undefined) {
    throw new Error(
      `invocation: ${JOB_NAME} is missing from benchmarks/fixture/src/jobs.generated.ts; run \`pnpm --filter @elarion/benchmarks run generate\`.`,
    );
  }
  const table: ServiceTable = services;
  const invoke = definition.invoke;
  return (payload, context) => {
    for (let call = 0; call < CALLS_PER_SAMPLE; call += 1) invoke(table, payload, context);
  };
}

function handWrittenPath(services: JobServices): InvocationLoop {
  return (payload, context) => {
    for (let call = 0; call < CALLS_PER_SAMPLE; call += 1)
      new InvoiceTotalJob(services.Tally, services.Ledger).execute(payload, context);
  };
}

/**
 * The hand-written call, but reading each dependency the way the delegate does: a string-literal
 * property of the untyped services object the runtime hands it. Any gap between this row and
 * "hand-written" is the cost of that read; any gap between this row and "generated" is the delegate's.
 */
function handWrittenFromTablePath(services: JobServices): InvocationLoop {
  const table: ServiceTable = services;
  return (payload, context) => {
    for (let call = 0; call < CALLS_PER_SAMPLE; call += 1) {
      new InvoiceTotalJob(
        table["Tally"] as JobServices["Tally"],
        table["Ledger"] as JobServices["Ledger"],
      ).execute(payload, context);
    }
  };
}

interface ReflectedJob {
  readonly jobClass: new (...args: unknown[]) => unknown;
  readonly dependencyKeys: readonly string[];
  readonly methodName: string;
}

/** A container the way reflection-based schedulers work: everything found by name at call time. */
function reflectionPath(services: JobServices): InvocationLoop {
  const container = new Map<string, unknown>(Object.entries(services));
  const jobsByName = new Map<string, ReflectedJob>();
  for (const job of jobRegistry.jobs) {
    if (job.jobClass === null) continue;
    jobsByName.set(job.descriptor.name, {
      jobClass: job.jobClass as unknown as new (...args: unknown[]) => unknown,
      dependencyKeys: job.descriptor.dependencies,
      methodName: "execute",
    });
  }
  return (payload, context) => {
    for (let call = 0; call < CALLS_PER_SAMPLE; call += 1) {
      const entry = jobsByName.get(JOB_NAME)!;
      const args = entry.dependencyKeys.map((key) => container.get(key));
      const instance = Reflect.construct(entry.jobClass, args) as Record<string, unknown>;
      (instance[entry.methodName] as (...args: unknown[]) => unknown).call(
        instance,
        payload,
        context,
      );
    }
  };
}

function fakeContext(): ScheduledJobContext {
  const now = new Date();
  return {
    jobId: "0193a000-0000-7000-8000-000000000001",
    runId: "0193a000-0000-7000-8000-000000000002",
    jobName: JOB_NAME,
    attempt: 1,
    maxAttempts: 1,
    dueTime: now,
    startedAt: now,
    schedulingLagMs: 0,
    isRuntimeScheduled: true,
    correlationId: null,
    signal: new AbortController().signal,
    requestCancellation: () => undefined,
  };
}
