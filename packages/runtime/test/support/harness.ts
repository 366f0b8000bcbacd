import {
  createScheduler,
  type JobScheduler,
  type Logger,
  type OutcomeInfo,
  type ResiliencePolicy,
  type SchedulerTuning,
} from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { Probe } from "./probe.js";
import { scenarioStore } from "./scenario-store.js";
import { testRegistry, type TestJob } from "./test-registry.js";

function withScenarioStore(): { store?: NonNullable<SchedulerTuning["store"]> } {
  const store = scenarioStore();
  return store === undefined ? {} : { store };
}

/** A logger that keeps what it was told, so failures are asserted instead of printed. */
export class CapturingLogger implements Logger {
  readonly entries: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  debug(message: string, details?: Record<string, unknown>): void {
    this.entries.push({ level: "debug", message, ...(details ? { details } : {}) });
  }
  info(message: string, details?: Record<string, unknown>): void {
    this.entries.push({ level: "info", message, ...(details ? { details } : {}) });
  }
  warn(message: string, details?: Record<string, unknown>): void {
    this.entries.push({ level: "warn", message, ...(details ? { details } : {}) });
  }
  error(message: string, details?: Record<string, unknown>): void {
    this.entries.push({ level: "error", message, ...(details ? { details } : {}) });
  }
}

export interface Harness {
  readonly scheduler: JobScheduler;
  readonly clock: ManualClock;
  readonly probe: Probe;
  readonly logger: CapturingLogger;
  /** Every outcome the scheduler recorded, in order. */
  readonly outcomes: OutcomeInfo[];
  outcomesOf(jobName: string): OutcomeInfo[];
}

const running = new Set<JobScheduler>();

/** A started scheduler over `jobs` with a ManualClock; stop it with {@link stopAllHarnesses} in afterEach. */
export async function startHarness(
  jobs: readonly TestJob[],
  options: SchedulerTuning & {
    policies?: readonly ResiliencePolicy[];
    start?: Date;
    beforeStart?: (probe: Probe) => void;
  } = {},
): Promise<Harness> {
  const { policies, start, beforeStart, ...tuning } = options;
  const clock = new ManualClock(start ?? new Date("2026-01-01T00:00:00Z"));
  const probe = new Probe();
  const logger = new CapturingLogger();
  const outcomes: OutcomeInfo[] = [];
  const scheduler = createScheduler({
    registry: testRegistry(jobs, policies ?? []),
    services: { Probe: probe },
    clock,
    logger,
    onRunOutcome: (outcome) => outcomes.push(outcome),
    ...withScenarioStore(),
    ...tuning,
  });
  beforeStart?.(probe);
  await scheduler.start();
  running.add(scheduler);
  return {
    scheduler,
    clock,
    probe,
    logger,
    outcomes,
    outcomesOf: (jobName) => outcomes.filter((outcome) => outcome.jobName === jobName),
  };
}

export async function stopAllHarnesses(): Promise<void> {
  const schedulers = [...running];
  running.clear();
  await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
}
