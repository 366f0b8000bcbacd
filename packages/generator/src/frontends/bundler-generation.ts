import fs from "node:fs";
import path from "node:path";
import type ts from "typescript";
import { formatDiagnostic, type ElarionDiagnostic } from "../diagnostics/index.js";
import type { GeneratorOptions } from "../generate.js";
import { descriptorsPathFor } from "../printer/index.js";
import { hasErrors, writeChangedFiles } from "./generated-files.js";
import { ProjectConfigError, resolveTsconfigPath } from "./project-config.js";
import {
  generateProject,
  generatorOptionsFor,
  type ProjectGeneration,
} from "./project-generation.js";

/** Options of every bundler plugin; relative paths start at the bundler's working directory. */
export interface ElarionPluginOptions {
  /** The project's tsconfig, or its directory. Default: `tsconfig.json`. */
  readonly tsconfig?: string;
  /** The generated module. Default: `src/jobs.generated.ts` next to the tsconfig. */
  readonly outFile?: string;
}

/** A generator finding located in a source file, in the shape bundlers report. */
export interface BundlerMessage {
  readonly text: string;
  readonly location?: {
    /** Relative to the bundler's working directory, with `/` separators. */
    readonly file: string;
    readonly line: number;
    /** 0-based, as esbuild and Rollup count columns. */
    readonly column: number;
    readonly length: number;
    readonly lineText: string;
  };
  /** The CLI's one-line form: `src/jobs/a.ts:3:15 - error ELG001: ...`. */
  readonly formatted: string;
}

/** What one generation at the start of a build reports. */
export interface BundlerReport {
  readonly errors: readonly BundlerMessage[];
  readonly warnings: readonly BundlerMessage[];
}

/**
 * The part every bundler front end shares (esbuild, and Vite, Rollup, webpack and Rspack through
 * unplugin): find the project, regenerate at the start of each build, write the files only when
 * there is no error and their bytes changed, serve the latest generated text for imports of the
 * generated modules (so a clean checkout whose jobs have errors still reports the generator's
 * errors rather than "could not resolve"), and name the files and directories to watch.
 */
export class BundlerGeneration {
  readonly cwd: string;
  /** Set when the tsconfig cannot be found; every build then fails with its message. */
  readonly configError: ProjectConfigError | null;
  readonly tsconfigPath: string | null;
  /** Absolute paths of the registry and its descriptors module. */
  readonly generatedPaths: readonly string[];
  #options: GeneratorOptions | null;
  #latest: ProjectGeneration | undefined;

  constructor(pluginOptions: ElarionPluginOptions, cwd: string) {
    this.cwd = cwd;
    let tsconfigPath: string | null = null;
    let options: GeneratorOptions | null = null;
    let configError: ProjectConfigError | null = null;
    try {
      tsconfigPath = resolveTsconfigPath(pluginOptions.tsconfig, cwd);
      // The bundler, not the tsconfig, decides how decorators are emitted: no tsc emit check (ELG033).
      options = {
        ...generatorOptionsFor(tsconfigPath, pluginOptions.outFile, cwd),
        emitter: "bundler",
      };
    } catch (error) {
      if (!(error instanceof ProjectConfigError)) throw error;
      configError = error;
    }
    this.tsconfigPath = tsconfigPath;
    this.#options = options;
    this.configError = configError;
    this.generatedPaths =
      options === null
        ? []
        : [options.outFile, descriptorsPathFor(options.outFile)].map((file) => path.resolve(file));
  }

  /** The project's compiler options as of the latest generation, or `null` before one. */
  compilerOptions(): ts.CompilerOptions | null {
    return this.#latest?.program.getCompilerOptions() ?? null;
  }

  /** How many jobs the latest generation found. */
  get jobCount(): number {
    return this.#latest?.result.jobCount ?? 0;
  }

  /** Whether a build has generated at least once (a bundler may load a module before `buildStart`). */
  get hasGenerated(): boolean {
    return this.#latest !== undefined;
  }

  /** Runs the generator, writes changed files when there is no error, and returns its findings. */
  regenerate(): BundlerReport {
    if (this.configError !== null)
      return { errors: [plainMessage(this.configError.message)], warnings: [] };
    try {
      this.#latest = generateProject(this.tsconfigPath!, this.#options!);
    } catch (error) {
      if (!(error instanceof ProjectConfigError)) throw error;
      return { errors: [plainMessage(error.message)], warnings: [] };
    }
    const { diagnostics, files } = this.#latest.result;
    if (!hasErrors(diagnostics)) writeChangedFiles(files);
    return {
      errors: diagnostics.filter((d) => d.category === "error").map((d) => this.#toMessage(d)),
      warnings: diagnostics.filter((d) => d.category === "warning").map((d) => this.#toMessage(d)),
    };
  }

  /** Matches imports of the generated modules: `./jobs.generated.js`, `../src/jobs.generated.descriptors`, ... */
  get specifierFilter(): RegExp {
    const names = this.generatedPaths.map((file) =>
      escapeRegExp(path.basename(withoutScriptExtension(file))),
    );
    return new RegExp(`(?:^|/)(?:${names.join("|")})(?:\\.[cm]?[jt]sx?)?$`);
  }

  /** Matches exactly the absolute paths of the generated modules. */
  get pathsFilter(): RegExp {
    const escaped = this.generatedPaths.map((candidate) => escapeRegExp(candidate));
    return new RegExp(`^(?:${escaped.join("|")})$`);
  }

  /** The generated module an import from `importerDirectory` means, or `undefined`. */
  resolve(specifier: string, importerDirectory: string): string | undefined {
    const requested = withoutScriptExtension(path.resolve(importerDirectory, specifier));
    return this.generatedPaths.find((file) => withoutScriptExtension(file) === requested);
  }

  /** The latest generated text of a generated module (or what is on disk, before any generation). */
  text(generatedPath: string): string {
    const generated = this.#latest?.result.files.find(
      (file) => path.resolve(file.path) === generatedPath,
    );
    return generated?.text ?? fs.readFileSync(generatedPath, "utf8");
  }

  /** Whether a changed file belongs to the project (so a watcher should regenerate). */
  isProjectInput(file: string): boolean {
    const absolute = path.resolve(file);
    if (this.generatedPaths.includes(absolute)) return false;
    return (
      this.watchFiles().includes(absolute) ||
      this.watchDirectories().includes(path.dirname(absolute))
    );
  }

  /**
   * The tsconfig, every file the generator consulted, and the project's own source files: a type
   * used by a job's payload or constructor can live in a file the analyzer never had to open.
   */
  watchFiles(): string[] {
    const generation = this.#latest;
    const projectFiles =
      generation?.program.getRootFileNames().map((file) => path.resolve(file)) ?? [];
    const tsconfig = this.tsconfigPath === null ? [] : [this.tsconfigPath];
    return [
      ...new Set([...tsconfig, ...(generation?.result.consultedFiles ?? []), ...projectFiles]),
    ];
  }

  /** Directories of the project's files, so a new job file (a directory change) triggers a rebuild. */
  watchDirectories(): string[] {
    const generation = this.#latest;
    if (generation === undefined) return [];
    const roots = generation.program
      .getRootFileNames()
      .map((file) => path.dirname(path.resolve(file)));
    return [...new Set(roots)].sort();
  }

  #toMessage(diagnostic: ElarionDiagnostic): BundlerMessage {
    return {
      text: `${diagnostic.code}: ${diagnostic.message}`,
      location: {
        file: path.relative(this.cwd, diagnostic.file).split(path.sep).join("/"),
        line: diagnostic.line,
        column: diagnostic.column - 1,
        length: diagnostic.length,
        lineText: this.#lineTextOf(diagnostic),
      },
      formatted: formatDiagnostic(diagnostic, this.cwd),
    };
  }

  #lineTextOf(diagnostic: ElarionDiagnostic): string {
    const text =
      this.#latest?.program.getSourceFile(diagnostic.file)?.text ?? readOrEmpty(diagnostic.file);
    return text.split(/\r?\n/)[diagnostic.line - 1] ?? "";
  }
}

function plainMessage(text: string): BundlerMessage {
  return { text, formatted: text };
}

function withoutScriptExtension(file: string): string {
  return file.replace(/\.[cm]?[jt]sx?$/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
