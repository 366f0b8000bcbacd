import type { JobModel } from "../model/job-model.js";
import type { RegistryModel } from "../model/registry-model.js";
import { withHeader } from "./content-hash.js";
import { compareText } from "../model/ordinal-order.js";
import { ImportTable } from "./import-table.js";
import { relativeModuleSpecifier } from "./module-specifier.js";
import { RESERVED_NAMES, RUNTIME_PACKAGE, type PrintOptions } from "./print-context.js";
import { printTypeReference } from "./type-printer.js";

/**
 * Prints `jobs.generated.ts`: the `JobServices` and `JobClasses` types and one direct delegate per
 * job, which constructs the job from `services` and returns what `execute` (or the method)
 * returns, unwrapped.
 */
export function printRegistryModule(model: RegistryModel, options: PrintOptions): string {
  const imports = new ImportTable(options.registryFile, options.importStyle, RESERVED_NAMES);
  imports.useFixed(RUNTIME_PACKAGE, "defineJobRegistry", true);
  imports.useFixed(RUNTIME_PACKAGE, "JobRegistry", false);
  const services = new Map<string, string>();
  const definitions = model.jobs.map((job, index) =>
    printDefinition(job, index, imports, services),
  );
  const classes = model.jobs
    .filter((job) => job.supportsRuntimeScheduling)
    .map((job) => `typeof ${imports.use(job.jobClass, true)}`);
  const serviceLines = [...services.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(
      ([key, type]) =>
        `  ${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key)}: ${type};`,
    );
  const descriptorsSpecifier = JSON.stringify(
    relativeModuleSpecifier(options.registryFile, options.descriptorsFile, options.importStyle),
  );
  const userImports = imports.print();
  const body =
    `${userImports}\n` +
    `import { jobDescriptors, type JobPayloads, type JobPolicyNames } from ${descriptorsSpecifier};\n` +
    "\n" +
    "export { jobDescriptors };\n" +
    "export type { JobPayloads, JobPolicyNames };\n" +
    "\n" +
    (serviceLines.length === 0
      ? "export type JobServices = {};\n"
      : `export type JobServices = {\n${serviceLines.join("\n")}\n};\n`) +
    "\n" +
    `export type JobClasses = ${classes.length === 0 ? "never" : classes.join(" | ")};\n` +
    "\n" +
    (model.jobs.length === 0 ? "" : "const descriptors = jobDescriptors.descriptors;\n\n") +
    "export const jobRegistry: JobRegistry<JobServices, JobClasses, JobPayloads, JobPolicyNames> = defineJobRegistry(\n" +
    `  [\n${definitions.join("")}  ],\n` +
    "  jobDescriptors.policies,\n" +
    ");\n";
  return withHeader(body);
}

function printDefinition(
  job: JobModel,
  index: number,
  imports: ImportTable,
  services: Map<string, string>,
): string {
  const className = imports.use(job.jobClass, true);
  const dependencies = job.dependencies.map((dependency) => {
    const type = printTypeReference(dependency.type, job, imports, true);
    if (!services.has(dependency.key)) services.set(dependency.key, type);
    return `services[${JSON.stringify(dependency.key)}] as ${type}`;
  });
  const construct = `new ${className}(${dependencies.join(", ")})`;
  let call: string;
  let usesPayload = false;
  let usesContext = false;
  if (job.target.kind === "class") {
    const args: string[] = [];
    if (job.target.executeParameterCount >= 1) {
      args.push(`payload as JobPayloads[${JSON.stringify(job.name)}]`);
      usesPayload = true;
    }
    if (job.target.executeParameterCount >= 2) {
      args.push("context");
      usesContext = true;
    }
    call = `${construct}.execute(${args.join(", ")})`;
  } else {
    usesContext = job.target.parameterCount >= 1;
    const receiver = job.target.isStatic ? className : construct;
    call = `${receiver}.${job.target.methodName}(${usesContext ? "context" : ""})`;
  }
  const parameters = [
    dependencies.length > 0 ? "services" : "_services",
    usesPayload ? "payload" : "_payload",
    usesContext ? "context" : "_context",
  ];
  return (
    "    {\n" +
    `      descriptor: descriptors[${index}]!,\n` +
    `      jobClass: ${job.supportsRuntimeScheduling || job.target.kind === "class" ? className : "null"},\n` +
    `      invoke: (${parameters.join(", ")}) => ${call},\n` +
    "    },\n"
  );
}
