import path from "node:path";
import ts from "typescript";
import { generate } from "./generate.js";
import { hasErrors, writeChangedFiles } from "./frontends/generated-files.js";
import { hostWithGeneratedFiles } from "./frontends/generated-files-host.js";
import { generatorOptionsFor } from "./frontends/project-generation.js";
import { toTypeScriptDiagnostics } from "./frontends/typescript-diagnostics.js";

/**
 * This plugin's entry in `compilerOptions.plugins`. `outFile` is relative to the tsconfig's
 * directory (default `src/jobs.generated.ts`).
 */
export interface ElarionTransformerConfig {
  readonly transform?: string;
  readonly transformProgram?: boolean;
  readonly outFile?: string;
  readonly [option: string]: unknown;
}

/** What ts-patch passes a program transformer besides the program: its (patched) TypeScript. */
export interface ProgramTransformerExtras {
  readonly ts: typeof ts;
}

/**
 * The ts-patch program transformer: on every program `tspc` creates (first build, each `--watch`
 * cycle, each `incremental` build) it runs the generator, writes the generated files when their
 * bytes change, and returns a program that contains them — so an app that imports
 * `./jobs.generated.js` compiles even on the first build of a clean checkout. Generator errors are
 * added to the program's global diagnostics, which makes `tspc` print them with file:line:column
 * (as `TS9900nn: ELGnnn: ...`) and exit non-zero.
 *
 * @example
 * ```jsonc
 * // tsconfig.json
 * { "compilerOptions": { "plugins": [
 *   { "transform": "@elarion/generator/transformer", "transformProgram": true, "outFile": "src/jobs.generated.ts" }
 * ] } }
 * ```
 */
export default function elarionTransformer(
  program: ts.Program,
  host: ts.CompilerHost | undefined,
  config: ElarionTransformerConfig = {},
  extras?: ProgramTransformerExtras,
): ts.Program {
  const typescript = extras?.ts ?? ts;
  const tsconfigPath = findTsconfig(program, typescript);
  const outFile = typeof config.outFile === "string" ? config.outFile : undefined;
  const options = generatorOptionsFor(tsconfigPath, outFile, path.dirname(tsconfigPath));
  const result = generate(program, options, typescript);
  if (hasErrors(result.diagnostics)) {
    return withDiagnostics(program, toTypeScriptDiagnostics(result.diagnostics, program, typescript));
  }
  writeChangedFiles(result.files);

  const upToDate = result.files.every((file) => program.getSourceFile(file.path)?.text === file.text);
  const next = upToDate
    ? program
    : typescript.createProgram({
        rootNames: [...new Set([...program.getRootFileNames(), ...result.files.map((file) => file.path)])],
        options: program.getCompilerOptions(),
        host: hostWithGeneratedFiles(
          host ?? typescript.createCompilerHost(program.getCompilerOptions()),
          new Map(result.files.map((file) => [path.resolve(file.path), file.text])),
          typescript,
        ),
        oldProgram: program,
        configFileParsingDiagnostics: program.getConfigFileParsingDiagnostics(),
        ...projectReferencesOf(program),
      });
  return withDiagnostics(next, toTypeScriptDiagnostics(result.diagnostics, next, typescript));
}

export { elarionTransformer };

function findTsconfig(program: ts.Program, typescript: typeof ts): string {
  const configFilePath = program.getCompilerOptions()["configFilePath"];
  if (typeof configFilePath === "string") return configFilePath;
  const firstRoot = program.getRootFileNames()[0];
  const found = firstRoot === undefined ? undefined : typescript.findConfigFile(path.dirname(firstRoot), typescript.sys.fileExists);
  if (found === undefined) {
    throw new Error(
      "@elarion/generator/transformer could not tell which tsconfig.json the program comes from. Build with `tspc -p <tsconfig.json>`.",
    );
  }
  return found;
}

function projectReferencesOf(program: ts.Program): { projectReferences?: readonly ts.ProjectReference[] } {
  const references = program.getProjectReferences();
  return references === undefined ? {} : { projectReferences: references };
}

/** Global diagnostics are re-read on every build (builders do not cache them in tsbuildinfo). */
function withDiagnostics(program: ts.Program, diagnostics: readonly ts.Diagnostic[]): ts.Program {
  if (diagnostics.length === 0) return program;
  const ownGlobalDiagnostics = program.getGlobalDiagnostics.bind(program);
  program.getGlobalDiagnostics = (cancellationToken) => [...ownGlobalDiagnostics(cancellationToken), ...diagnostics];
  return program;
}
