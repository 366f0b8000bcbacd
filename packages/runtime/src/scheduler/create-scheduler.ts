import type { ServiceLookup } from "../registry/job-registry.js";
import { memoryStore } from "../stores/memory/memory-store.js";
import { systemClock } from "./clock.js";
import { JobCatalog, type RegistryInput } from "./job-catalog.js";
import type { JobScheduler } from "./job-scheduler.js";
import { resolveTuning, type CreateSchedulerOptions, type JobClassesOf, type JobPayloadsOf } from "./scheduler-options.js";
import { Scheduler } from "./scheduler.js";

/**
 * Creates a scheduler for one or several generated registries. Every inconsistency (duplicate job
 * or policy name across registries, unknown policy, invalid schedule, missing service, bad option)
 * throws here, not later.
 *
 * @example
 * ```ts
 * import { createScheduler } from "@elarion/runtime";
 * import { jobRegistry } from "./jobs.generated.js";
 *
 * const scheduler = createScheduler({ registry: jobRegistry, services: { EmailSender: smtp } });
 * await scheduler.start();
 * await scheduler.enqueue(SendEmailJob, { to: "a@example.com", subject: "Hi", body: "..." });
 * ```
 */
export function createScheduler<const R extends RegistryInput>(options: CreateSchedulerOptions<R>): JobScheduler<JobClassesOf<R>, JobPayloadsOf<R>> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createScheduler: expected options like { registry: jobRegistry, services: { ... } }.");
  }
  const catalog = new JobCatalog(options.registry);
  const tuning = resolveTuning(options);
  const services = serviceLookup(catalog, (options as { services?: unknown }).services);
  const scheduler = new Scheduler(catalog, services, options.store ?? memoryStore(), options.clock ?? systemClock, tuning, options.onRunOutcome);
  return scheduler as unknown as JobScheduler<JobClassesOf<R>, JobPayloadsOf<R>>;
}

function serviceLookup(catalog: JobCatalog, services: unknown): ServiceLookup {
  if (typeof services === "function") {
    const resolver = services as (key: string) => unknown;
    return (key) => {
      const service = resolver(key);
      if (service === undefined) throw new Error(`The service resolver returned undefined for "${key}"; register it in your container.`);
      return service;
    };
  }
  if (services === undefined && !catalog.runsJobs) return () => undefined;
  if (typeof services !== "object" || services === null) {
    throw new TypeError("createScheduler: `services` must be an object with one entry per JobServices key, or a resolver (key) => instance.");
  }
  const table = services as Record<string, unknown>;
  for (const job of catalog.jobs.values()) {
    // A job known only by its descriptor (an enqueue-only registry) never runs here: it needs no service.
    if (job.invoke === null) continue;
    for (const key of job.descriptor.dependencies) {
      if (table[key] === undefined) {
        throw new TypeError(`createScheduler: services.${key} is missing; job "${job.name}" (${job.descriptor.sourceFile}) needs it. Add { ${key}: ... } to services.`);
      }
    }
  }
  return (key) => table[key];
}
