import {
  defineJobRegistry,
  type IScheduledJob,
  type JobClass,
  type JobDefinition,
  type JobDescriptor,
  type JobRegistry,
  type ResiliencePolicy,
  type ScheduledJobContext,
} from "../../src/index.js";
import { Probe } from "./probe.js";

/** Payload of the generic test job. */
export interface ProbePayload {
  readonly id: number;
}

/** The base of every test job class: it hands the call to the {@link Probe} service. */
export abstract class ProbeJob implements IScheduledJob<ProbePayload> {
  protected abstract readonly jobName: string;
  constructor(private readonly probe: Probe) {}
  execute(payload: ProbePayload, context: ScheduledJobContext): Promise<void> | void {
    return this.probe.execute(this.jobName, payload, context);
  }
}

/** A descriptor as the generator prints it, with the generator's defaults. */
export function descriptor(name: string, overrides: Partial<JobDescriptor> = {}): JobDescriptor {
  return {
    name,
    target: { kind: "class", className: classNameOf(name) },
    supportsRuntimeScheduling: true,
    schedule: null,
    overlap: "skip",
    overlapExplicit: false,
    maxConcurrentRuns: 0,
    group: null,
    misfire: "fire-once",
    resilience: null,
    enabled: true,
    placement: "cluster",
    dependencies: ["Probe"],
    sourceFile: "test/jobs.ts",
    validatePayload: (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as { id?: unknown }).id === "number"
        ? null
        : "payload.id: expected number",
    ...overrides,
  };
}

/** A test job: its own class (so class → name mapping is real) and a definition printed like the generator's. */
export interface TestJob {
  readonly jobClass: new (probe: Probe) => ProbeJob;
  readonly definition: JobDefinition;
}

export function testJob(name: string, overrides: Partial<JobDescriptor> = {}): TestJob {
  const jobClass = class extends ProbeJob {
    protected readonly jobName = name;
  };
  Object.defineProperty(jobClass, "name", { value: classNameOf(name) });
  const definition: JobDefinition = {
    descriptor: descriptor(name, overrides),
    jobClass,
    invoke: (services, payload, context) =>
      new jobClass(services["Probe"] as Probe).execute(payload as ProbePayload, context),
  };
  return { jobClass, definition };
}

/** A registry of test jobs and policies, built the way the generated module builds it. */
export function testRegistry(
  jobs: readonly TestJob[],
  policies: readonly ResiliencePolicy[] = [],
): JobRegistry<{ Probe: Probe }> {
  return defineJobRegistry<{ Probe: Probe }, JobClass, Record<string, unknown>>(
    jobs.map((job) => job.definition),
    policies,
  );
}

function classNameOf(name: string): string {
  return (
    name
      .split(/[^a-zA-Z0-9]+/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("") + "Job"
  );
}
