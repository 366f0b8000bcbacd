import fs from "node:fs";
import type { ElarionDiagnostic } from "../diagnostics/index.js";
import { writeIfChanged, type GeneratedFile } from "../generate.js";

/**
 * Writes the generated files whose bytes changed and returns the paths it wrote, so watchers and
 * incremental builds are not woken by a rewrite of identical content.
 *
 * @example
 * ```ts
 * const written = writeChangedFiles(result.files); // [] when everything was up to date
 * ```
 */
export function writeChangedFiles(files: readonly GeneratedFile[]): string[] {
  return files.filter((file) => writeIfChanged(file)).map((file) => file.path);
}

/**
 * The generated files whose content on disk differs from what the generator produces now
 * (missing files count as stale). Writes nothing: this is what `elarion-gen --check` reports.
 *
 * @example
 * ```ts
 * findStaleFiles(result.files); // ["/app/src/jobs.generated.ts"]
 * ```
 */
export function findStaleFiles(files: readonly GeneratedFile[]): string[] {
  return files.filter((file) => readOrNull(file.path) !== file.text).map((file) => file.path);
}

/** Whether any diagnostic fails the build (warnings do not). */
export function hasErrors(diagnostics: readonly ElarionDiagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.category === "error");
}

function readOrNull(filePath: string): string | null {
  try {
    return fs.readFileSync(filePath, "utf8");
  } catch {
    return null;
  }
}
