import type ts from "typescript";
import type { ElarionDiagnostic } from "../diagnostics/elarion-diagnostic.js";
import type { RegistryModel } from "../model/registry-model.js";

/** What an analyzer found in one program. */
export interface AnalysisResult {
  /** The valid jobs and policies; a job with an error diagnostic is left out. */
  readonly model: RegistryModel;
  readonly diagnostics: readonly ElarionDiagnostic[];
  /** Every source file the analyzer read, sorted. */
  readonly consultedFiles: readonly string[];
}

/**
 * Program → model + diagnostics. The only code that talks to a type checker, behind this small
 * interface so that another backend (TypeScript 7's native API) can be added next to the
 * TypeScript 5/6 one.
 */
export interface JobAnalyzer {
  analyze(program: ts.Program): AnalysisResult;
}

/** Settings shared by every analyzer backend. */
export interface AnalyzerSettings {
  /** Directory descriptor `sourceFile` paths are relative to. */
  readonly projectRoot: string;
  /** Generated modules: never analyzed, even when they are part of the program. */
  readonly generatedFiles: readonly string[];
  /**
   * Whether the program's own compiler options turn it into JavaScript (`tsc`, `tspc`): then
   * options that would emit decorators Node.js cannot run are reported (ELG033). Default `true`;
   * `false` when a bundler with its own target emits (the esbuild plugin checks that target).
   */
  readonly compilerEmits?: boolean;
}
