import type { ImportExtensionStyle } from "./module-specifier.js";

/** What the printer needs to know about the output, besides the model. */
export interface PrintOptions {
  /** Absolute path of the registry module (`src/jobs.generated.ts`). */
  readonly registryFile: string;
  /** Absolute path of the descriptors-only module (`src/jobs.generated.descriptors.ts`). */
  readonly descriptorsFile: string;
  readonly importStyle: ImportExtensionStyle;
}

/** The package every generated module imports its helpers from. */
export const RUNTIME_PACKAGE = "@elarion/runtime";

/** Names the generated modules declare or import from the runtime; user imports never take them. */
export const RESERVED_NAMES = [
  "JobPayloads",
  "JobPolicyNames",
  "JobServices",
  "JobClasses",
  "jobDescriptors",
  "jobRegistry",
  "descriptors",
  "defineJobDescriptors",
  "defineJobRegistry",
  "JobRegistry",
  "JobDescriptorSet",
  "PayloadCodec",
  "isPayloadDate",
  "encodePayloadDate",
  "decodePayloadDate",
  "services",
  "payload",
  "context",
  "value",
] as const;

/** The descriptors module's path with the registry module's specifier style. */
export function descriptorsPathFor(registryFile: string): string {
  return registryFile.replace(
    /(\.[mc]?tsx?)?$/,
    (extension) => `.descriptors${extension === "" ? ".ts" : extension}`,
  );
}
