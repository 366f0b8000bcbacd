import type { RegistryModel } from "../model/registry-model.js";
import { printDescriptorsModule } from "./descriptors-printer.js";
import type { PrintOptions } from "./print-context.js";
import { printRegistryModule } from "./registry-printer.js";

/** A generated module: absolute path and full text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Prints both generated modules of a registry model: the registry module first, then the
 * descriptors-only module.
 */
export function printGeneratedFiles(
  model: RegistryModel,
  options: PrintOptions,
): readonly GeneratedFile[] {
  return [
    { path: options.registryFile, text: printRegistryModule(model, options) },
    { path: options.descriptorsFile, text: printDescriptorsModule(model, options) },
  ];
}
