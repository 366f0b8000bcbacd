import path from "node:path";
import ts from "typescript";
import {
  generate,
  resolveGeneratorOptions,
  type GenerationResult,
  type GeneratorOptions,
} from "../generate.js";
import { readProjectConfig } from "./project-config.js";

/** One run of the generator over a tsconfig project. */
export interface ProjectGeneration {
  readonly program: ts.Program;
  readonly options: GeneratorOptions;
  readonly result: GenerationResult;
}

/**
 * Resolves the generator options for a project: the core's defaults, with `outFile` (when given)
 * resolved against `baseDir` — the working directory for the CLI and esbuild, the tsconfig's
 * directory for the transformer.
 *
 * @example
 * ```ts
 * generatorOptionsFor("/app/tsconfig.json", "gen/jobs.ts", "/app"); // outFile "/app/gen/jobs.ts"
 * ```
 */
export function generatorOptionsFor(
  tsconfigPath: string,
  outFile: string | undefined,
  baseDir: string,
): GeneratorOptions {
  return outFile === undefined
    ? resolveGeneratorOptions(tsconfigPath)
    : resolveGeneratorOptions(tsconfigPath, { outFile: path.resolve(baseDir, outFile) });
}

/**
 * Builds the project's program from its tsconfig and runs the generator over it, writing
 * nothing: the caller decides whether to write, check or report. The program keeps the
 * tsconfig's options as they are (it is never emitted), so the generator sees how the app's own
 * build would emit.
 *
 * @example
 * ```ts
 * const { result } = generateProject("/app/tsconfig.json", generatorOptionsFor("/app/tsconfig.json", undefined, "/app"));
 * ```
 */
export function generateProject(
  tsconfigPath: string,
  options: GeneratorOptions,
): ProjectGeneration {
  const parsed = readProjectConfig(tsconfigPath);
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    ...(parsed.projectReferences === undefined
      ? {}
      : { projectReferences: parsed.projectReferences }),
  });
  return { program, options, result: generate(program, options) };
}
