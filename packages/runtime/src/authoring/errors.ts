/**
 * Thrown by a job to fail at once, without the remaining retries of its resilience policy.
 *
 * @example
 * ```ts
 * if (!payload.to.includes("@")) throw new NonRetryableError(`not an address: ${payload.to}`);
 * ```
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/** Thrown when the app imports a registry stub that the generator never replaced. */
export class RegistryNotGeneratedError extends Error {
  constructor(modulePath: string) {
    super(
      `The Elarion job registry in ${modulePath} was not generated. Add the transformer ` +
        `({ "transform": "@elarion/generator/transformer", "transformProgram": true }) to ` +
        `compilerOptions.plugins and build with tspc, or run \`elarion-gen\` before building.`,
    );
    this.name = "RegistryNotGeneratedError";
  }
}
