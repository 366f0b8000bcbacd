import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { fileDiagnostic, formatDiagnostic, type ElarionDiagnostic } from "./diagnostics/index.js";
import { generate, printStub, type GeneratorOptions } from "./generate.js";
import { CLI_USAGE, CliUsageError, parseCliArguments } from "./frontends/cli-arguments.js";
import { findStaleFiles, hasErrors, writeChangedFiles } from "./frontends/generated-files.js";
import { ProjectConfigError, resolveTsconfigPath } from "./frontends/project-config.js";
import { generateProject, generatorOptionsFor } from "./frontends/project-generation.js";

/** Where the CLI writes and which directory its relative paths start from. */
export interface CliIo {
  readonly cwd: string;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** A running `elarion-gen --watch`. */
export interface CliWatch {
  close(): void;
}

/** The outcome of {@link runCli}: an exit code, or a watcher that keeps running until closed. */
export type CliOutcome = { readonly exitCode: number; readonly watch?: CliWatch };

const processIo: CliIo = {
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs `elarion-gen` with the given arguments (without `node` and the script). Exit codes: 0 done,
 * 1 generator errors, a stale file under `--check` or an unreadable project, 2 bad flags.
 *
 * @example
 * ```ts
 * const { exitCode } = runCli(["-p", "tsconfig.json", "--check"]);
 * process.exitCode = exitCode;
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo = processIo): CliOutcome {
  let args;
  try {
    args = parseCliArguments(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`elarion-gen: ${error.message}`);
    io.err(CLI_USAGE);
    return { exitCode: 2 };
  }
  if (args.mode === "help") {
    io.out(CLI_USAGE);
    return { exitCode: 0 };
  }
  try {
    const tsconfigPath = resolveTsconfigPath(args.project, io.cwd);
    const options = generatorOptionsFor(tsconfigPath, args.outFile, io.cwd);
    switch (args.mode) {
      case "init":
        return { exitCode: writeStub(options, io) };
      case "watch":
        return { exitCode: 0, watch: watchProject(tsconfigPath, options, io) };
      case "check":
        return { exitCode: checkProject(tsconfigPath, options, io) };
      case "generate":
        return { exitCode: generateOnce(tsconfigPath, options, io) };
    }
  } catch (error) {
    if (!(error instanceof ProjectConfigError)) throw error;
    io.err(`elarion-gen: ${error.message}`);
    return { exitCode: 1 };
  }
}

function generateOnce(tsconfigPath: string, options: GeneratorOptions, io: CliIo): number {
  const { result } = generateProject(tsconfigPath, options);
  reportDiagnostics(result.diagnostics, io);
  if (hasErrors(result.diagnostics)) return 1;
  const written = writeChangedFiles(result.files);
  io.out(
    written.length === 0
      ? `elarion-gen: ${relative(options.outFile, io)} is up to date`
      : `elarion-gen: wrote ${list(written, io)}`,
  );
  return 0;
}

function checkProject(tsconfigPath: string, options: GeneratorOptions, io: CliIo): number {
  const { result } = generateProject(tsconfigPath, options);
  const stale = hasErrors(result.diagnostics) ? [] : findStaleFiles(result.files);
  const diagnostics = [
    ...result.diagnostics,
    ...stale.map((file) => fileDiagnostic("staleArtifact", file, [relative(file, io)])),
  ];
  reportDiagnostics(diagnostics, io);
  // The registry and its descriptors are one artifact: name the registry, the lines above say which file differs.
  if (stale.length > 0)
    io.err(`elarion-gen: ${relative(options.outFile, io)} is stale — run elarion-gen`);
  if (hasErrors(diagnostics)) return 1;
  io.out(
    `elarion-gen: ${list(
      result.files.map((file) => file.path),
      io,
    )} up to date`,
  );
  return 0;
}

function writeStub(options: GeneratorOptions, io: CliIo): number {
  if (fs.existsSync(options.outFile)) {
    io.out(`elarion-gen: ${relative(options.outFile, io)} exists; left as it is`);
    return 0;
  }
  fs.mkdirSync(path.dirname(options.outFile), { recursive: true });
  fs.writeFileSync(options.outFile, printStub(options));
  io.out(`elarion-gen: wrote stub ${relative(options.outFile, io)}`);
  return 0;
}

/**
 * Regenerates on every program the TypeScript watcher builds: a new job file or a changed
 * decorator argument yields a new program. Writing the generated file triggers one more
 * program, which generates identical bytes and so writes nothing: the loop settles.
 */
function watchProject(tsconfigPath: string, options: GeneratorOptions, io: CliIo): CliWatch {
  const reportConfigDiagnostic = (diagnostic: ts.Diagnostic): void => {
    io.err(`elarion-gen: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
  };
  // No option overrides: the builder never emits, and the generator reads the app's own emit options.
  const host = ts.createWatchCompilerHost(
    tsconfigPath,
    undefined,
    ts.sys,
    ts.createAbstractBuilder,
    reportConfigDiagnostic,
    () => undefined,
  );
  host.afterProgramCreate = (builder) => {
    const result = generate(builder.getProgram(), options);
    reportDiagnostics(result.diagnostics, io);
    if (hasErrors(result.diagnostics)) {
      io.err(
        `elarion-gen: not regenerated (${countErrors(result.diagnostics)} errors); watching for changes`,
      );
      return;
    }
    const written = writeChangedFiles(result.files);
    if (written.length > 0) io.out(`elarion-gen: regenerated ${list(written, io)}`);
  };
  io.out(`elarion-gen: watching ${relative(tsconfigPath, io)}`);
  const watch = ts.createWatchProgram(host);
  return { close: () => watch.close() };
}

function reportDiagnostics(diagnostics: readonly ElarionDiagnostic[], io: CliIo): void {
  for (const diagnostic of diagnostics) io.err(formatDiagnostic(diagnostic, io.cwd));
}

function countErrors(diagnostics: readonly ElarionDiagnostic[]): number {
  return diagnostics.filter((diagnostic) => diagnostic.category === "error").length;
}

function relative(file: string, io: CliIo): string {
  return path.relative(io.cwd, file).split(path.sep).join("/");
}

function list(files: readonly string[], io: CliIo): string {
  return files.map((file) => relative(file, io)).join(", ");
}
