import type { ServiceTable } from "../registry/job-registry.js";
import { memoryStore } from "../stores/memory/memory-store.js";
import { systemClock } from "../core/clock.js";
import { JobCatalog, type RegistryInput } from "./job-catalog.js";
import type { JobScheduler, ServiceResolver } from "./job-scheduler.js";
import {
  resolveTuning,
  type CreateSchedulerArgument,
  type JobClassesOf,
  type JobPayloadsOf,
  type PolicyNamesOf,
} from "./scheduler-options.js";
import { Scheduler } from "./scheduler.js";
import { coded } from "../core/runtime-errors.js";
import { createInstrumentation } from "../telemetry/create-instrumentation.js";

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
export function createScheduler<const R extends RegistryInput, S = ServiceResolver>(
  options: CreateSchedulerArgument<R, S>,
): JobScheduler<JobClassesOf<R>, JobPayloadsOf<R>, PolicyNamesOf<R>> {
  if (typeof options !== "object" || options === null) {
    throw coded(
      new TypeError(
        "createScheduler: expected options like { registry: jobRegistry, services: { ... } }.",
      ),
      "ELR101",
    );
  }
  const catalog = new JobCatalog(options.registry);
  const tuning = resolveTuning(options);
  const services = serviceTable(catalog, (options as { services?: unknown }).services);
  const clock = options.clock ?? systemClock;
  const instrumentation = createInstrumentation(
    (options as { telemetry?: unknown }).telemetry,
    clock,
  );
  const scheduler = new Scheduler(
    catalog,
    services,
    options.store ?? memoryStore(),
    clock,
    tuning,
    options.onRunOutcome,
    instrumentation,
  );
  return scheduler as unknown as JobScheduler<JobClassesOf<R>, JobPayloadsOf<R>, PolicyNamesOf<R>>;
}

/**
 * The services object delegates read. An object is passed on as-is so each delegate's property
 * load stays monomorphic; a resolver is wrapped once into an object with one getter per dependency
 * key, so a container still resolves on every run.
 */
function serviceTable(catalog: JobCatalog, services: unknown): ServiceTable {
  if (typeof services === "function") return resolverTable(catalog, services as ServiceResolver);
  if (services === undefined && !catalog.runsJobs) return Object.freeze({});
  if (typeof services !== "object" || services === null) {
    throw coded(
      new TypeError(
        "createScheduler: `services` must be an object with one entry per JobServices key, or a resolver (key) => instance.",
      ),
      "ELR101",
    );
  }
  const table = services as ServiceTable;
  for (const job of catalog.jobs.values()) {
    // A job known only by its descriptor (an enqueue-only registry) never runs here: it needs no service.
    if (job.invoke === null) continue;
    for (const key of job.descriptor.dependencies) {
      if (table[key] === undefined) {
        throw coded(
          new TypeError(
            `createScheduler: services.${key} is missing; job "${job.name}" (${job.descriptor.sourceFile}) needs it. Add { ${key}: ... } to services.`,
          ),
          "ELR103",
        );
      }
    }
  }
  return table;
}

function resolverTable(catalog: JobCatalog, resolver: ServiceResolver): ServiceTable {
  const table: Record<string, unknown> = {};
  for (const job of catalog.jobs.values()) {
    for (const key of job.descriptor.dependencies) {
      if (Object.prototype.hasOwnProperty.call(table, key)) continue;
      Object.defineProperty(table, key, {
        enumerable: true,
        get: () => {
          const service = resolver(key);
          if (service === undefined)
            throw coded(
              new Error(
                `The service resolver returned undefined for "${key}"; register it in your container.`,
              ),
              "ELR103",
            );
          return service;
        },
      });
    }
  }
  return Object.freeze(table);
}
