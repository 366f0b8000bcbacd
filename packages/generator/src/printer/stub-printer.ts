import path from "node:path";

/**
 * Prints the stub that `elarion-gen --init` commits in place of the generated registry: it
 * type-checks like the real module but throws a "registry was not generated" error at import, so an
 * app whose build skipped the generator fails loudly instead of running with no jobs.
 *
 * @example
 * ```ts
 * const options = resolveGeneratorOptions("tsconfig.json");
 * writeFileSync(options.outFile, printStub(options));
 * ```
 */
export function printStub(options: {
  readonly outFile: string;
  readonly projectRoot: string;
}): string {
  const modulePath = path.relative(options.projectRoot, options.outFile).split(path.sep).join("/");
  return (
    "// Stub of the Elarion job registry: replaced by @elarion/generator (the transformer or elarion-gen).\n" +
    "// Importing it throws until generation has run.\n" +
    'import { registryNotGenerated, type JobClass, type JobDescriptorSet, type JobRegistry } from "@elarion/runtime";\n' +
    "\n" +
    "export type JobPayloads = Record<string, unknown>;\n" +
    "export type JobServices = Record<string, unknown>;\n" +
    "export type JobPolicyNames = string;\n" +
    "// Any class, so app code type-checks against the stub; the generated module narrows it to the job classes.\n" +
    "export type JobClasses = JobClass;\n" +
    "\n" +
    `export const jobRegistry: JobRegistry<JobServices, JobClasses, JobPayloads, JobPolicyNames> = registryNotGenerated(${JSON.stringify(modulePath)});\n` +
    "export const jobDescriptors: JobDescriptorSet<JobPayloads, JobPolicyNames> = jobRegistry as never;\n"
  );
}
