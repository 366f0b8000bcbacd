import fs from "node:fs";
import type ts from "typescript";
import type { ElarionDiagnostic } from "../diagnostics/index.js";

/**
 * TypeScript diagnostic codes are numbers; `ELG007` is reported as `TS990007` so it cannot clash
 * with a compiler code, and the message starts with the `ELG007` code users look up.
 */
export const TYPESCRIPT_CODE_BASE = 990_000;

/**
 * Turns generator findings into TypeScript diagnostics attached to the program's source files,
 * so `tspc` prints them with file, line and column and fails the build on errors.
 *
 * @example
 * ```ts
 * toTypeScriptDiagnostics(result.diagnostics, program, ts);
 * // [{ code: 990001, messageText: "ELG001: Duplicate job name ...", file, start, length, category: Error }]
 * ```
 */
export function toTypeScriptDiagnostics(
  diagnostics: readonly ElarionDiagnostic[],
  program: ts.Program,
  typescript: typeof ts,
): ts.Diagnostic[] {
  return diagnostics.map((diagnostic) => ({
    category:
      diagnostic.category === "error"
        ? typescript.DiagnosticCategory.Error
        : typescript.DiagnosticCategory.Warning,
    code: TYPESCRIPT_CODE_BASE + Number.parseInt(diagnostic.code.replace(/^ELG/, ""), 10),
    messageText: `${diagnostic.code}: ${diagnostic.message}`,
    file: program.getSourceFile(diagnostic.file) ?? configSourceFile(diagnostic.file, typescript),
    start: diagnostic.start,
    length: diagnostic.length,
    source: "elarion",
  }));
}

/**
 * A file the program does not contain — a tsconfig (ELG033) — parsed on its own, so tsc still
 * prints the diagnostic with its file, line and column.
 */
function configSourceFile(file: string, typescript: typeof ts): ts.SourceFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return file.endsWith(".json")
    ? typescript.parseJsonText(file, text)
    : typescript.createSourceFile(file, text, typescript.ScriptTarget.Latest);
}
