import fs from "node:fs";
import path from "node:path";
import type { Location, OnLoadResult, PartialMessage, Plugin } from "esbuild";
import type { ElarionDiagnostic } from "./diagnostics/index.js";
import type { GeneratorOptions } from "./generate.js";
import { esbuildDecoratorProblem } from "./frontends/esbuild-decorators.js";
import { hasErrors, writeChangedFiles } from "./frontends/generated-files.js";
import { DIAGNOSTICS, formatMessage } from "./diagnostics/index.js";
import { descriptorsPathFor } from "./printer/index.js";
import { ProjectConfigError, resolveTsconfigPath } from "./frontends/project-config.js";
import { generateProject, generatorOptionsFor, type ProjectGeneration } from "./frontends/project-generation.js";

/** Options of {@link elarionPlugin}; relative paths start at esbuild's `absWorkingDir` (or the cwd). */
export interface ElarionPluginOptions {
  /** The project's tsconfig, or its directory. Default: `tsconfig.json`. */
  readonly tsconfig?: string;
  /** The generated module. Default: `src/jobs.generated.ts` next to the tsconfig. */
  readonly outFile?: string;
}

/**
 * esbuild plugin that regenerates the Elarion job registry at the start of every build (and every
 * rebuild of `context().watch()` / `rebuild()`), reports generator findings as esbuild errors and
 * warnings with their locations (and, as ELG033, build options that would leave decorators in the
 * output: set `target: "node20"` or your Node.js version), and hands esbuild every file the generator consulted (and the
 * tsconfig, the project's source files and their directories) as watch files, so a changed job or
 * a new job file triggers a rebuild that regenerates.
 *
 * @example
 * ```ts
 * import { build } from "esbuild";
 * import { elarionPlugin } from "@elarion/generator/esbuild";
 *
 * await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", target: "node20", outdir: "dist",
 *   plugins: [elarionPlugin({ tsconfig: "tsconfig.json" })] });
 * ```
 */
export function elarionPlugin(pluginOptions: ElarionPluginOptions = {}): Plugin {
  return {
    name: "elarion",
    setup(build) {
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      let project: { tsconfigPath: string; options: GeneratorOptions } | ProjectConfigError;
      try {
        const tsconfigPath = resolveTsconfigPath(pluginOptions.tsconfig, cwd);
        // esbuild, not the tsconfig, decides how decorators are emitted: checked below against its options.
        project = { tsconfigPath, options: { ...generatorOptionsFor(tsconfigPath, pluginOptions.outFile, cwd), emitter: "bundler" } };
      } catch (error) {
        if (!(error instanceof ProjectConfigError)) throw error;
        project = error;
      }
      let latest: ProjectGeneration | undefined;

      build.onStart(() => {
        if (project instanceof ProjectConfigError) return { errors: [{ text: project.message }] };
        try {
          latest = generateProject(project.tsconfigPath, project.options);
        } catch (error) {
          if (!(error instanceof ProjectConfigError)) throw error;
          return { errors: [{ text: error.message }] };
        }
        const { diagnostics, files, jobCount } = latest.result;
        if (!hasErrors(diagnostics)) writeChangedFiles(files);
        const decorators = jobCount === 0 ? null : esbuildDecoratorProblem(build.initialOptions, latest.program.getCompilerOptions());
        return {
          errors: [
            ...diagnostics.filter((d) => d.category === "error").map((d) => toMessage(d, latest, cwd)),
            ...(decorators === null ? [] : [{ text: `${DIAGNOSTICS.nativeDecoratorEmit.code}: ${formatMessage("nativeDecoratorEmit", [decorators.reason, decorators.fix])}` }]),
          ],
          warnings: diagnostics.filter((d) => d.category === "warning").map((d) => toMessage(d, latest, cwd)),
        };
      });

      if (project instanceof ProjectConfigError) return;
      const { tsconfigPath, options } = project;
      const generatedPaths = [options.outFile, descriptorsPathFor(options.outFile)].map((file) => path.resolve(file));
      const watchInputs = () => ({ watchFiles: watchFilesOf(tsconfigPath, latest), watchDirs: sourceDirectories(latest) });

      // Resolve imports of the generated modules ourselves: on a clean checkout whose jobs have
      // errors nothing is written, yet esbuild must still learn the watch inputs (so fixing the
      // error rebuilds) and should report the generator's errors rather than "could not resolve".
      build.onResolve({ filter: generatedSpecifierFilter(generatedPaths) }, (args) => {
        const requested = withoutScriptExtension(path.resolve(args.resolveDir, args.path));
        const generated = generatedPaths.find((file) => withoutScriptExtension(file) === requested);
        return generated === undefined ? undefined : { path: generated, ...watchInputs() };
      });
      build.onLoad({ filter: exactPathsFilter(generatedPaths) }, (args): OnLoadResult => {
        const generated = latest?.result.files.find((file) => path.resolve(file.path) === args.path);
        return { contents: generated?.text ?? fs.readFileSync(args.path, "utf8"), loader: "ts", ...watchInputs() };
      });
    },
  };
}

export default elarionPlugin;

/** Matches `./jobs.generated.js`, `../src/jobs.generated.descriptors`, ... (any extension or none). */
function generatedSpecifierFilter(generatedPaths: readonly string[]): RegExp {
  const names = generatedPaths.map((file) => escapeRegExp(path.basename(withoutScriptExtension(file))));
  return new RegExp(`(?:^|/)(?:${names.join("|")})(?:\\.[cm]?[jt]sx?)?$`);
}

function withoutScriptExtension(file: string): string {
  return file.replace(/\.[cm]?[jt]sx?$/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function exactPathsFilter(paths: readonly string[]): RegExp {
  const escaped = paths.map((candidate) => escapeRegExp(path.resolve(candidate)));
  return new RegExp(`^(?:${escaped.join("|")})$`);
}

/**
 * The tsconfig, every file the generator consulted, and the project's own source files: a type
 * used by a job's payload or constructor can live in a file the analyzer never had to open.
 */
function watchFilesOf(tsconfigPath: string, generation: ProjectGeneration | undefined): string[] {
  const projectFiles = generation?.program.getRootFileNames().map((file) => path.resolve(file)) ?? [];
  return [...new Set([tsconfigPath, ...(generation?.result.consultedFiles ?? []), ...projectFiles])];
}

/** Directories of the project's files, so a new job file (a directory change) triggers a rebuild. */
function sourceDirectories(generation: ProjectGeneration | undefined): string[] {
  if (generation === undefined) return [];
  const roots = generation.program.getRootFileNames().map((file) => path.dirname(path.resolve(file)));
  return [...new Set(roots)].sort();
}

function toMessage(diagnostic: ElarionDiagnostic, generation: ProjectGeneration | undefined, cwd: string): PartialMessage {
  const location: Partial<Location> = {
    file: path.relative(cwd, diagnostic.file).split(path.sep).join("/"),
    line: diagnostic.line,
    column: diagnostic.column - 1,
    length: diagnostic.length,
    lineText: lineTextOf(diagnostic, generation),
  };
  return { text: `${diagnostic.code}: ${diagnostic.message}`, location };
}

function lineTextOf(diagnostic: ElarionDiagnostic, generation: ProjectGeneration | undefined): string {
  const text = generation?.program.getSourceFile(diagnostic.file)?.text ?? readOrEmpty(diagnostic.file);
  return text.split(/\r?\n/)[diagnostic.line - 1] ?? "";
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
