import type { ResiliencePolicy, ScheduleSpec } from "@elarion/runtime";
import type { JobModel } from "../model/job-model.js";
import type { RegistryModel } from "../model/registry-model.js";
import { printPayloadCodecs } from "./codec-printer.js";
import { withHeader } from "./content-hash.js";
import { ImportTable } from "./import-table.js";
import { RESERVED_NAMES, RUNTIME_PACKAGE, type PrintOptions } from "./print-context.js";
import { printTypeReference } from "./type-printer.js";
import { printNamedValidator, printPayloadValidator } from "./validator-printer.js";

/**
 * Prints `jobs.generated.descriptors.ts`: payload types (type-only imports), the union of policy
 * names, payload validators and codecs (payloads with a `Date`), descriptors and policies as plain
 * data. It never imports a handler module as a value, so a
 * process that only enqueues can import it.
 */
export function printDescriptorsModule(model: RegistryModel, options: PrintOptions): string {
  const validatorNames = payloadValidatorNames(model.jobs);
  const codecs = printPayloadCodecs(model.jobs, model.validators, validatorNames);
  const imports = new ImportTable(options.descriptorsFile, options.importStyle, [
    ...RESERVED_NAMES,
    ...model.validators.map((validator) => validator.name),
    ...validatorNames.values(),
    ...codecs.declaredNames,
  ]);
  imports.useFixed(RUNTIME_PACKAGE, "defineJobDescriptors", true);
  imports.useFixed(RUNTIME_PACKAGE, "JobDescriptorSet", false);
  if (codecs.codecNames.size > 0) {
    // Only payloads with a Date have a codec, and every Date's validator checks it with isPayloadDate.
    for (const helper of ["isPayloadDate", ...codecs.helpers])
      imports.useFixed(RUNTIME_PACKAGE, helper, true);
    imports.useFixed(RUNTIME_PACKAGE, "PayloadCodec", false);
  }
  const payloadLines = model.jobs
    .filter((job) => job.supportsRuntimeScheduling && job.payload !== null)
    .map(
      (job) =>
        `  ${JSON.stringify(job.name)}: ${printTypeReference(job.payload!.type, job, imports, false)};`,
    );
  const validators = model.validators.map(printNamedValidator);
  for (const job of model.jobs) {
    const shape = job.payload?.shape;
    if (shape !== undefined && shape !== null)
      validators.push(printPayloadValidator(validatorNames.get(job.name)!, shape));
  }
  validators.push(...codecs.declarations);
  const descriptors = model.jobs.map((job) =>
    printDescriptor(
      job,
      validatorNames.get(job.name) ?? null,
      codecs.codecNames.get(job.name) ?? null,
    ),
  );
  const policies = model.policies.map((policy) => `    ${printPolicy(policy)},\n`).join("");
  const policyNames =
    model.policies.map((policy) => JSON.stringify(policy.name)).join(" | ") || "never";
  const body =
    `${imports.print()}\n` +
    "\n" +
    (payloadLines.length === 0
      ? "export type JobPayloads = {};\n"
      : `export type JobPayloads = {\n${payloadLines.join("\n")}\n};\n`) +
    `\nexport type JobPolicyNames = ${policyNames};\n` +
    validators.map((text) => `\n${text}`).join("") +
    "\nexport const jobDescriptors: JobDescriptorSet<JobPayloads, JobPolicyNames> = defineJobDescriptors<JobPayloads, JobPolicyNames>(\n" +
    `  [\n${descriptors.join("")}  ],\n` +
    `  [\n${policies}  ],\n` +
    ");\n";
  return withHeader(body);
}

/** `validate_emails_send` per job with a payload shape; stable because jobs are sorted by name. */
function payloadValidatorNames(jobs: readonly JobModel[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const job of jobs) {
    if (job.payload === null || job.payload.shape === null) continue;
    const base = `validate_${job.name.replace(/[^A-Za-z0-9_$]/g, "_")}`;
    let name = base;
    for (let counter = 2; taken.has(name); counter++) name = `${base}_${counter}`;
    taken.add(name);
    names.set(job.name, name);
  }
  return names;
}

function printDescriptor(
  job: JobModel,
  validatorName: string | null,
  codecName: string | null,
): string {
  const target =
    job.target.kind === "class"
      ? `{ kind: "class", className: ${JSON.stringify(job.jobClass.className)} }`
      : `{ kind: "method", className: ${JSON.stringify(job.jobClass.className)}, methodName: ${JSON.stringify(job.target.methodName)}, isStatic: ${job.target.isStatic} }`;
  const fields: [string, string][] = [
    ["name", JSON.stringify(job.name)],
    ["target", target],
    ["supportsRuntimeScheduling", String(job.supportsRuntimeScheduling)],
    ["schedule", printSchedule(job.schedule)],
    ["overlap", JSON.stringify(job.overlap)],
    ["overlapExplicit", String(job.overlapExplicit)],
    ["maxConcurrentRuns", String(job.maxConcurrentRuns)],
    ["group", JSON.stringify(job.group)],
    ["misfire", JSON.stringify(job.misfire)],
    [
      "resilience",
      typeof job.resilience === "object" && job.resilience !== null
        ? printPolicy(job.resilience)
        : JSON.stringify(job.resilience),
    ],
    ["enabled", String(job.enabled)],
    ["placement", JSON.stringify(job.placement)],
    [
      "dependencies",
      `[${job.dependencies.map((dependency) => JSON.stringify(dependency.key)).join(", ")}]`,
    ],
    ["sourceFile", JSON.stringify(job.sourceFile)],
    ["validatePayload", validatorName ?? "null"],
  ];
  // Optional in the descriptor contract: printed only where present, so other descriptors stay as they were.
  if (codecName !== null) fields.push(["payloadCodec", codecName]);
  if (job.placeholders !== null) fields.push(["placeholders", printPlainObject(job.placeholders)]);
  if (job.scheduleOptions !== null)
    fields.push(["scheduleOptions", printPlainObject(job.scheduleOptions)]);
  return `    {\n${fields.map(([key, value]) => `      ${key}: ${value},\n`).join("")}    },\n`;
}

/** `{ cron: "${REPORT_CRON:-0 3 * * *}", runOnStart: false }`: keys in the order given, values as JSON. */
function printPlainObject(object: object): string {
  const entries = Object.entries(object).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `{ ${entries.join(", ")} }`;
}

function printSchedule(schedule: ScheduleSpec | null): string {
  if (schedule === null) return "null";
  switch (schedule.kind) {
    case "cron":
      return `{ kind: "cron", expression: ${JSON.stringify(schedule.expression)}, timeZone: ${JSON.stringify(schedule.timeZone)} }`;
    case "fixed-rate":
      return `{ kind: "fixed-rate", intervalMs: ${schedule.intervalMs}, initialDelayMs: ${String(schedule.initialDelayMs)}, runOnStart: ${schedule.runOnStart} }`;
    case "fixed-delay":
      return `{ kind: "fixed-delay", delayMs: ${schedule.delayMs}, initialDelayMs: ${String(schedule.initialDelayMs)}, runOnStart: ${schedule.runOnStart} }`;
    case "once":
      return `{ kind: "once", delayMs: ${schedule.delayMs} }`;
  }
}

function printPolicy(policy: ResiliencePolicy): string {
  return (
    `{ name: ${JSON.stringify(policy.name)}, maxRetryAttempts: ${policy.maxRetryAttempts}, delayMs: ${policy.delayMs}, ` +
    `backoff: ${JSON.stringify(policy.backoff)}, maxDelayMs: ${String(policy.maxDelayMs)}, jitter: ${policy.jitter}, ` +
    `timeoutMs: ${String(policy.timeoutMs)} }`
  );
}
