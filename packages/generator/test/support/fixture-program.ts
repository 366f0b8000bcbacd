import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import {
  generate,
  resolveGeneratorOptions,
  type GenerationResult,
  type GeneratorOptions,
} from "../../src/generate.js";

/** packages/generator/test/fixtures */
export const FIXTURES_DIRECTORY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures",
);

/** Library files parsed once per test process and shared by every fixture program. */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

/** A compiler host that shares parsed lib and `node_modules` declaration files across programs. */
export function cachingHost(
  options: ts.CompilerOptions,
  overrides: ReadonlyMap<string, string> = new Map(),
): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (fileName) => overrides.has(path.resolve(fileName)) || fileExists(fileName);
  const overrideDirectories = new Set<string>();
  for (const file of overrides.keys()) {
    for (
      let directory = path.dirname(file);
      !overrideDirectories.has(directory) && directory !== path.dirname(directory);
      directory = path.dirname(directory)
    ) {
      overrideDirectories.add(directory);
    }
  }
  const directoryExists = host.directoryExists?.bind(host) ?? ts.sys.directoryExists;
  host.directoryExists = (directory) =>
    overrideDirectories.has(path.resolve(directory)) || directoryExists(directory);
  host.readFile = (fileName) => overrides.get(path.resolve(fileName)) ?? readFile(fileName);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const override = overrides.get(path.resolve(fileName));
    if (override !== undefined)
      return ts.createSourceFile(fileName, override, languageVersion, true);
    const shareable =
      fileName.endsWith(".d.ts") &&
      (fileName.includes("/node_modules/") || fileName.includes("/packages/runtime/dist/"));
    if (!shareable) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    const key = `${String(typeof languageVersion === "object" ? languageVersion.languageVersion : languageVersion)}:${fileName}`;
    let sourceFile = sharedSourceFiles.get(key);
    if (sourceFile === undefined) {
      sourceFile = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sourceFile !== undefined) sharedSourceFiles.set(key, sourceFile);
    }
    return sourceFile;
  };
  return host;
}

/** The parsed tsconfig of a fixture project. */
export function fixtureConfig(fixture: string): ts.ParsedCommandLine {
  const tsconfigPath = path.join(FIXTURES_DIRECTORY, fixture, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error(`cannot read ${tsconfigPath}`);
  return parsed;
}

/** One program per fixture, as a front end would create it; `reversed` lists the root files backwards. */
export function fixtureProgram(fixture: string, reversed = false): ts.Program {
  const config = fixtureConfig(fixture);
  const rootNames = reversed ? [...config.fileNames].reverse() : config.fileNames;
  return ts.createProgram({
    rootNames,
    options: config.options,
    host: cachingHost(config.options),
  });
}

/** Generator options of a fixture: the defaults of its tsconfig. */
export function fixtureOptions(fixture: string): GeneratorOptions {
  return resolveGeneratorOptions(path.join(FIXTURES_DIRECTORY, fixture, "tsconfig.json"));
}

/** Runs the generator on a fixture. */
export function generateFixture(fixture: string, reversed = false): GenerationResult {
  return generate(fixtureProgram(fixture, reversed), fixtureOptions(fixture));
}

/** Diagnostics in a form a test can compare: code, fixture-relative file, line, column. */
export function diagnosticSummary(fixture: string, result: GenerationResult): string[] {
  const root = path.join(FIXTURES_DIRECTORY, fixture);
  return result.diagnostics.map(
    (diagnostic) =>
      `${diagnostic.code} ${diagnostic.category} ${path.relative(root, diagnostic.file).split(path.sep).join("/")}:${diagnostic.line}:${diagnostic.column}`,
  );
}
