import { RegistryNotGeneratedError } from "../authoring/errors.js";

/**
 * What a committed stub of the generated module calls, so that an app whose build never ran the
 * generator fails at import with a message saying what to do, instead of running with no jobs.
 *
 * @example
 * ```ts
 * // src/jobs.generated.ts (stub, replaced by the generator)
 * import { registryNotGenerated } from "@elarion/runtime";
 * export const jobRegistry = registryNotGenerated("src/jobs.generated.ts");
 * ```
 */
export function registryNotGenerated(modulePath: string): never {
  throw new RegistryNotGeneratedError(modulePath);
}
