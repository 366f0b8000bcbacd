import { parseArgs } from "node:util";

/** What one `elarion-gen` invocation asks for. */
export interface CliArguments {
  readonly mode: "generate" | "check" | "watch" | "init" | "help";
  /** The `-p`/`--project` value as given (a tsconfig file or its directory), if any. */
  readonly project: string | undefined;
  /** The `--out` value as given (relative to the working directory), if any. */
  readonly outFile: string | undefined;
}

/** A command line that `elarion-gen` cannot run; the message names the offending flag. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

export const CLI_USAGE = `Usage: elarion-gen [-p tsconfig.json] [--out path] [--watch | --check | --init]

Generates the Elarion job registry (src/jobs.generated.ts by default) from the project's
@ScheduledJob classes and methods.

Options:
  -p, --project <path>  tsconfig file, or a directory containing tsconfig.json (default: ./tsconfig.json)
  --out <path>          generated module path (default: src/jobs.generated.ts next to the tsconfig)
  --watch               regenerate whenever a project file changes
  --check               write nothing; exit 1 when the generated files on disk are stale
  --init                write the stub module (throws "registry was not generated") if it does not exist
  -h, --help            show this help`;

/**
 * Parses `elarion-gen`'s arguments (without `node` and the script path).
 *
 * @example
 * ```ts
 * parseCliArguments(["-p", "app", "--check"]); // { mode: "check", project: "app", outFile: undefined }
 * ```
 */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        project: { type: "string", short: "p" },
        out: { type: "string" },
        watch: { type: "boolean" },
        check: { type: "boolean" },
        init: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const modes = (["watch", "check", "init", "help"] as const).filter(
    (mode) => values[mode] === true,
  );
  if (modes.length > 1 && !modes.includes("help")) {
    throw new CliUsageError(`--${modes[0]} and --${modes[1]} cannot be combined; pick one.`);
  }
  for (const flag of ["project", "out"] as const) {
    const value = values[flag];
    if (value !== undefined && value.trim() === "") {
      throw new CliUsageError(`--${flag} needs a non-empty path.`);
    }
  }
  return {
    mode: modes.includes("help") ? "help" : (modes[0] ?? "generate"),
    project: values.project,
    outFile: values.out,
  };
}
