import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/** A problem with the project setup (missing or unreadable tsconfig) that stops every front end. */
export class ProjectConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectConfigError";
  }
}

/**
 * Turns a `-p`/`tsconfig` argument into the absolute path of a tsconfig file, the way `tsc -p`
 * does: a directory means its `tsconfig.json`; nothing means `./tsconfig.json`.
 *
 * @example
 * ```ts
 * resolveTsconfigPath("app", "/work"); // "/work/app/tsconfig.json"
 * ```
 */
export function resolveTsconfigPath(project: string | undefined, cwd: string): string {
  const candidate = path.resolve(cwd, project ?? "tsconfig.json");
  const tsconfigPath = isDirectory(candidate) ? path.join(candidate, "tsconfig.json") : candidate;
  if (!fs.existsSync(tsconfigPath)) {
    throw new ProjectConfigError(
      `Cannot find the tsconfig file ${tsconfigPath}. Pass the project's tsconfig with -p <path> (a file or its directory).`,
    );
  }
  return tsconfigPath;
}

/**
 * Reads and parses a tsconfig (with `extends`) into the root files and compiler options a
 * program is built from. Configuration errors become one {@link ProjectConfigError} that lists
 * them, so no front end goes on with a half-read project.
 *
 * @example
 * ```ts
 * const parsed = readProjectConfig("/app/tsconfig.json");
 * const program = ts.createProgram(parsed.fileNames, parsed.options);
 * ```
 */
export function readProjectConfig(
  tsconfigPath: string,
  typescript: typeof ts = ts,
): ts.ParsedCommandLine {
  const unrecoverable: ts.Diagnostic[] = [];
  const parsed = typescript.getParsedCommandLineOfConfigFile(tsconfigPath, undefined, {
    ...typescript.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => unrecoverable.push(diagnostic),
  });
  const errors = [...unrecoverable, ...(parsed?.errors ?? [])].filter(
    (diagnostic) => diagnostic.category === typescript.DiagnosticCategory.Error,
  );
  if (parsed === undefined || errors.length > 0) {
    const details = typescript.formatDiagnostics(errors, {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => path.dirname(tsconfigPath),
      getNewLine: () => "\n",
    });
    throw new ProjectConfigError(`Cannot read ${tsconfigPath}:\n${details.trimEnd()}`);
  }
  return parsed;
}

function isDirectory(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
