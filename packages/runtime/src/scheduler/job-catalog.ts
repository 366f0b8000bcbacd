import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import { RegisteredJob } from "../dispatch/registered-job.js";
import { createRecurrence } from "../policy/recurrence.js";
import type { JobDescriptor } from "../registry/job-descriptor.js";
import type {
  JobClass,
  JobDefinition,
  JobDescriptorSet,
  JobRegistry,
} from "../registry/job-registry.js";
import { coded } from "../core/runtime-errors.js";

/** What `createScheduler({ registry })` accepts: one or several registries, or descriptor sets (enqueue-only). */
export type RegistryInput =
  // biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
  | JobRegistry<any, any, any>
  // biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
  | readonly JobRegistry<any, any, any>[]
  // biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
  | JobDescriptorSet<any>
  // biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
  | readonly JobDescriptorSet<any>[];

/**
 * The merged view of every registry a scheduler was given: jobs by name and by class, resilience
 * policies by name. Built once at `createScheduler`, where every inconsistency throws.
 */
export class JobCatalog {
  readonly jobs = new Map<string, RegisteredJob>();
  readonly policies = new Map<string, ResiliencePolicy>();
  private readonly namesByClass = new Map<JobClass, string>();
  /** `false` when built from descriptor sets: this process only enqueues. */
  readonly runsJobs: boolean;

  constructor(input: RegistryInput) {
    const parts: readonly unknown[] = Array.isArray(input) ? input : [input];
    if (parts.length === 0)
      throw coded(
        new TypeError(
          "createScheduler: `registry` is an empty array; pass the generated `jobRegistry` (or several).",
        ),
        "ELR101",
      );
    const kinds = new Set(parts.map((part, index) => kindOf(part, index)));
    if (kinds.size > 1) {
      throw coded(
        new TypeError(
          "createScheduler: `registry` mixes job registries and descriptor sets; pass registries (to run jobs) or descriptor sets (enqueue-only), not both.",
        ),
        "ELR104",
      );
    }
    this.runsJobs = kinds.has("elarion.registry");
    const entries: { descriptor: JobDescriptor; definition: JobDefinition | null }[] = [];
    for (const part of parts) {
      if (this.runsJobs) {
        const registry = part as JobRegistry;
        for (const policy of registry.policies) this.addPolicy(policy);
        for (const definition of registry.jobs)
          entries.push({ descriptor: definition.descriptor, definition });
      } else {
        const set = part as JobDescriptorSet;
        for (const policy of set.policies) this.addPolicy(policy);
        for (const descriptor of set.descriptors) entries.push({ descriptor, definition: null });
      }
    }
    for (const { descriptor, definition } of entries) this.addJob(descriptor, definition);
  }

  /** The registered job a class or name refers to, or a clear error. */
  resolve(job: unknown): RegisteredJob {
    if (typeof job === "string") {
      const found = this.jobs.get(job);
      if (found === undefined) {
        throw coded(
          new TypeError(
            `Unknown job "${job}": it is not in this scheduler's registry. Registered jobs: ${this.listNames()}.`,
          ),
          "ELR201",
        );
      }
      return found;
    }
    if (typeof job === "function") {
      const name = this.namesByClass.get(job as JobClass);
      if (name === undefined) {
        const className = (job as { name?: string }).name || "(anonymous class)";
        throw coded(
          new TypeError(
            `${className} is not a job of this scheduler's registry. Decorate it with @ScheduledJob("name") and regenerate the registry ` +
              `(transformer or elarion-gen), or pass the registry that contains it. Registered jobs: ${this.listNames()}.`,
          ),
          "ELR201",
        );
      }
      return this.jobs.get(name)!;
    }
    throw coded(
      new TypeError(
        `Expected a job class or a job name, got ${job === null ? "null" : typeof job}.`,
      ),
      "ELR201",
    );
  }

  /** A policy by name, or a clear error. */
  policy(name: string, where: string): ResiliencePolicy {
    const policy = this.policies.get(name);
    if (policy === undefined) {
      const known = [...this.policies.keys()].map((key) => `"${key}"`).join(", ") || "none";
      throw coded(
        new RangeError(
          `Unknown resilience policy "${name}" (${where}). Export it from your code as resiliencePolicy("${name}", {...}) and regenerate the registry; registered policies: ${known}.`,
        ),
        "ELR205",
      );
    }
    return policy;
  }

  private addPolicy(policy: ResiliencePolicy): void {
    if (this.policies.has(policy.name) && this.policies.get(policy.name) !== policy) {
      throw coded(
        new Error(
          `Duplicate resilience policy "${policy.name}" in the registries passed to createScheduler; policy names must be unique across packages.`,
        ),
        "ELR104",
      );
    }
    this.policies.set(policy.name, policy);
  }

  private addJob(descriptor: JobDescriptor, definition: JobDefinition | null): void {
    const existing = this.jobs.get(descriptor.name);
    if (existing !== undefined) {
      throw coded(
        new Error(
          `Duplicate job name "${descriptor.name}" (${existing.descriptor.sourceFile} and ${descriptor.sourceFile}) in the registries passed to createScheduler; job names must be unique across packages.`,
        ),
        "ELR104",
      );
    }
    const where = `job "${descriptor.name}" in ${descriptor.sourceFile}`;
    const policy =
      descriptor.resilience === null
        ? null
        : typeof descriptor.resilience === "string"
          ? this.policy(descriptor.resilience, where)
          : descriptor.resilience;
    let recurrence = null;
    if (descriptor.schedule !== null) {
      try {
        recurrence = createRecurrence(descriptor.schedule);
      } catch (error) {
        throw coded(
          new RangeError(
            `Invalid schedule of ${where}: ${error instanceof Error ? error.message : String(error)}`,
          ),
          "ELR105",
        );
      }
    }
    const job = new RegisteredJob(descriptor, definition?.invoke ?? null, policy, recurrence);
    this.jobs.set(descriptor.name, job);
    if (definition?.jobClass) this.namesByClass.set(definition.jobClass, descriptor.name);
  }

  private listNames(): string {
    return [...this.jobs.keys()].map((name) => `"${name}"`).join(", ") || "none";
  }
}

function kindOf(part: unknown, index: number): string {
  const kind =
    typeof part === "object" && part !== null ? (part as { kind?: unknown }).kind : undefined;
  if (kind === "elarion.registry" || kind === "elarion.descriptors") return kind;
  throw coded(
    new TypeError(
      `createScheduler: registry${index > 0 ? `[${index}]` : ""} is not a generated Elarion registry. Pass \`jobRegistry\` from your generated module (src/jobs.generated.ts).`,
    ),
    "ELR101",
  );
}
