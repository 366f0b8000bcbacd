import type ts from "typescript";
import type { AnalysisResult, AnalyzerSettings, JobAnalyzer } from "./job-analyzer.js";

/**
 * The TypeScript 5/6 backend, working on the `typescript` module instance the program was created
 * with (front ends pass the user's instance, e.g. the one ts-patch hands a transformer).
 */
export function createTypeScriptAnalyzer(typescript: typeof ts, settings: AnalyzerSettings): JobAnalyzer {
  void typescript;
  void settings;
  return {
    analyze(): AnalysisResult {
      return { model: { jobs: [], policies: [], validators: [] }, diagnostics: [], consultedFiles: [] };
    },
  };
}
