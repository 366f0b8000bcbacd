import path from "node:path";
import type { ElarionDiagnostic } from "./elarion-diagnostic.js";
import { DIAGNOSTICS, formatMessage, type DiagnosticKind } from "./diagnostic-table.js";

/**
 * Renders a diagnostic the way compilers do, with the path relative to `cwd`.
 *
 * @example
 * ```ts
 * formatDiagnostic(d, "/app"); // "src/jobs/a.ts:3:15 - error ELG001: Duplicate job name ..."
 * ```
 */
export function formatDiagnostic(
  diagnostic: ElarionDiagnostic,
  cwd: string = process.cwd(),
): string {
  const relative = path.relative(cwd, diagnostic.file).split(path.sep).join("/");
  return `${relative}:${diagnostic.line}:${diagnostic.column} - ${diagnostic.category} ${diagnostic.code}: ${diagnostic.message}`;
}

/**
 * A diagnostic about a whole file (reported at 1:1), for findings that have no syntax node, such
 * as a stale generated artifact under `elarion-gen --check`.
 *
 * @example
 * ```ts
 * fileDiagnostic("staleArtifact", "/app/src/jobs.generated.ts", ["src/jobs.generated.ts"]);
 * ```
 */
export function fileDiagnostic(
  kind: DiagnosticKind,
  file: string,
  args: readonly string[],
): ElarionDiagnostic {
  const definition = DIAGNOSTICS[kind];
  return {
    code: definition.code,
    category: definition.category,
    message: formatMessage(kind, args),
    file,
    line: 1,
    column: 1,
    start: 0,
    length: 0,
  };
}
