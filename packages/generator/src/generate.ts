import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { createTypeScriptAnalyzer } from "./analyzer/typescript-analyzer.js";
import type { ElarionDiagnostic } from "./diagnostics/elarion-diagnostic.js";
import {
  descriptorsPathFor,
  printGeneratedFiles,
  type GeneratedFile,
  type ImportExtensionStyle,
} from "./printer/index.js";

export type { ElarionDiagnostic } from "./diagnostics/elarion-diagnostic.js";
export type { GeneratedFile } from "./printer/index.js";
export { formatDiagnostic } from "./diagnostics/format-diagnostic.js";
export { printStub } from "./printer/index.js";

/** Where the generator writes and what descriptor paths are relative to. */
export interface GeneratorOptions {
  /** Absolute path of the registry module to write; default `<tsconfig dir>/src/jobs.generated.ts`. */
  readonly outFile: string;
  /** Directory that descriptor `sourceFile` paths are relative to (the tsconfig's directory). */
  readonly projectRoot: string;
  /**
   * What turns the app's TypeScript into JavaScript: `"tsc"` (default; the program's compiler
   * options are checked for decorators Node.js cannot run, ELG033) or `"bundler"` (a bundler with
   * its own target, which its plugin checks instead).
   */
  readonly emitter?: "tsc" | "bundler";
}

/** The outcome of one generation. */
export interface GenerationResult {
  /**
   * The registry module, then the descriptors-only module. Always printed, from the jobs that had
   * no error; a front end should fail the build (and may skip writing) when `diagnostics` holds an
   * error.
   */
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly ElarionDiagnostic[];
  /** How many jobs the printed registry holds. */
  readonly jobCount: number;
  /** Every source file the analyzer read (for esbuild `watchFiles` / watch mode), sorted. */
  readonly consultedFiles: readonly string[];
}

/**
 * The one entry point every front end calls: analyzes `program` and prints the generated modules.
 * Pure: it writes nothing (see {@link writeIfChanged}).
 *
 * `typescript` is the module instance `program` was created with; pass it when it may differ from
 * the generator's own `typescript` (a ts-patch transformer gets it as `extras.ts`).
 *
 * @example
 * ```ts
 * const options = resolveGeneratorOptions("tsconfig.json");
 * const result = generate(program, options);
 * for (const d of result.diagnostics) console.error(formatDiagnostic(d));
 * if (!result.diagnostics.some((d) => d.category === "error")) result.files.forEach(writeIfChanged);
 * ```
 */
export function generate(
  program: ts.Program,
  options: GeneratorOptions,
  typescript: typeof ts = ts,
): GenerationResult {
  const registryFile = path.resolve(options.outFile);
  const descriptorsFile = descriptorsPathFor(registryFile);
  const analyzer = createTypeScriptAnalyzer(typescript, {
    projectRoot: path.resolve(options.projectRoot),
    generatedFiles: [registryFile, descriptorsFile],
    compilerEmits: options.emitter !== "bundler",
  });
  const analysis = analyzer.analyze(program);
  const files = printGeneratedFiles(analysis.model, {
    registryFile,
    descriptorsFile,
    importStyle: importStyleOf(program.getCompilerOptions(), typescript),
  });
  return {
    files,
    diagnostics: analysis.diagnostics,
    jobCount: analysis.model.jobs.length,
    consultedFiles: analysis.consultedFiles,
  };
}

/**
 * Writes a generated file only when its bytes differ from what is on disk (creating directories as
 * needed), so watchers and incremental builds do not see spurious changes.
 *
 * @example
 * ```ts
 * const written = result.files.filter(writeIfChanged).map((file) => file.path);
 * ```
 *
 * @returns `true` when it wrote.
 */
export function writeIfChanged(file: GeneratedFile): boolean {
  let current: string | null = null;
  try {
    current = fs.readFileSync(file.path, "utf8");
  } catch {
    current = null;
  }
  if (current === file.text) return false;
  fs.mkdirSync(path.dirname(file.path), { recursive: true });
  fs.writeFileSync(file.path, file.text);
  return true;
}

/**
 * Generator options for a tsconfig: the project root is the tsconfig's directory and the registry
 * goes to `src/jobs.generated.ts` unless `overrides.outFile` says otherwise (a relative `outFile`
 * is relative to the project root).
 *
 * @example
 * ```ts
 * resolveGeneratorOptions("/app/tsconfig.json"); // { outFile: "/app/src/jobs.generated.ts", projectRoot: "/app" }
 * ```
 */
export function resolveGeneratorOptions(
  tsconfigPath: string,
  overrides: { outFile?: string } = {},
): GeneratorOptions {
  const projectRoot = path.dirname(path.resolve(tsconfigPath));
  const outFile = path.resolve(
    projectRoot,
    overrides.outFile ?? path.join("src", "jobs.generated.ts"),
  );
  return { outFile, projectRoot };
}

/** Relative import specifiers must match how the program resolves modules. */
function importStyleOf(options: ts.CompilerOptions, typescript: typeof ts): ImportExtensionStyle {
  if (options.allowImportingTsExtensions === true) return "ts";
  const { ModuleResolutionKind, ModuleKind } = typescript;
  const resolution = options.moduleResolution;
  if (resolution === ModuleResolutionKind.Node16 || resolution === ModuleResolutionKind.NodeNext)
    return "js";
  if (
    resolution === undefined &&
    options.module !== undefined &&
    options.module >= ModuleKind.Node16 &&
    options.module <= ModuleKind.NodeNext
  )
    return "js";
  return "none";
}
