import path from "node:path";
import ts from "typescript";
import { generate } from "./generate.js";
import { writeChangedFiles } from "./frontends/generated-files.js";
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
 * (as `TS9900nn: ELGnnn: ...`) and exit non-zero; warnings are printed the same way but do not
 * fail the build.
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
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.category === "error");
  const warnings = result.diagnostics.filter((diagnostic) => diagnostic.category === "warning");
  printWarnings(toTypeScriptDiagnostics(warnings, program, typescript), typescript);
  if (errors.length > 0) {
    return withErrors(program, toTypeScriptDiagnostics(errors, program, typescript));
  }
  writeChangedFiles(result.files);

  const upToDate = result.files.every(
    (file) => program.getSourceFile(file.path)?.text === file.text,
  );
  const next = upToDate
    ? program
    : typescript.createProgram({
        rootNames: [
          ...new Set([...program.getRootFileNames(), ...result.files.map((file) => file.path)]),
        ],
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
  return next;
}

export { elarionTransformer };

function findTsconfig(program: ts.Program, typescript: typeof ts): string {
  const configFilePath = program.getCompilerOptions()["configFilePath"];
  if (typeof configFilePath === "string") return configFilePath;
  const firstRoot = program.getRootFileNames()[0];
  const found =
    firstRoot === undefined
      ? undefined
      : typescript.findConfigFile(path.dirname(firstRoot), typescript.sys.fileExists);
  if (found === undefined) {
    throw new Error(
      "@elarion/generator/transformer could not tell which tsconfig.json the program comes from. Build with `tspc -p <tsconfig.json>`.",
    );
  }
  return found;
}

function projectReferencesOf(program: ts.Program): {
  projectReferences?: readonly ts.ProjectReference[];
} {
  const references = program.getProjectReferences();
  return references === undefined ? {} : { projectReferences: references };
}

/**
 * Errors go into the program's global diagnostics: tsc re-reads those on every build (builders do
 * not cache them in tsbuildinfo, unlike per-file diagnostics), prints them with file:line:col and
 * exits non-zero. While they exist tsc skips its semantic checks, as for any global error.
 */
function withErrors(program: ts.Program, diagnostics: readonly ts.Diagnostic[]): ts.Program {
  const ownGlobalDiagnostics = program.getGlobalDiagnostics.bind(program);
  program.getGlobalDiagnostics = (cancellationToken) => [
    ...ownGlobalDiagnostics(cancellationToken),
    ...diagnostics,
  ];
  return program;
}

/**
 * Warnings are printed, not added to the program: tsc exits non-zero on any program diagnostic,
 * warning or not, and would skip its own semantic checks, while a warning must not fail the build.
 * They go to stderr so that a patched tsserver, which talks to the editor over stdout, is safe.
 */
function printWarnings(warnings: readonly ts.Diagnostic[], typescript: typeof ts): void {
  if (warnings.length === 0) return;
  process.stderr.write(
    typescript.formatDiagnostics(warnings, {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => typescript.sys.getCurrentDirectory(),
      getNewLine: () => typescript.sys.newLine,
    }),
  );
}
