export {
  generate,
  writeIfChanged,
  resolveGeneratorOptions,
  formatDiagnostic,
  printStub,
  type GeneratorOptions,
  type GenerationResult,
  type GeneratedFile,
  type ElarionDiagnostic,
} from "./generate.js";
export type { JobAnalyzer, AnalysisResult, AnalyzerSettings } from "./analyzer/job-analyzer.js";
export { createTypeScriptAnalyzer } from "./analyzer/typescript-analyzer.js";
export { DIAGNOSTICS, fileDiagnostic, type DiagnosticKind } from "./diagnostics/index.js";
export type * from "./model/index.js";
