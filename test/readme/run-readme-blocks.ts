import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { repositoryRoot, type ReadmeBlock } from "./readme-blocks.js";

/**
 * How a README `ts` block runs, from its `readme-check` attributes:
 * - `run-in=examples/x` — the block is a program: it runs in a private copy of that example, at
 *   its `file=` path, with `run-prelude` before it (instead of the type-check `prelude`: real
 *   values instead of `declare`s) and `run-after` after it; its output must match `run-expect`.
 *   `run-schema=name` gives the schema named in the block a name of its own for the run.
 * - `run-as=src/path.ts` — the block is a module of that example's app: in the copy it replaces
 *   (or adds) that file, so the programs run against the README's own jobs and policies.
 * - `not-a-program="why"` — neither (a config, a type-error demonstration, ...).
 */
export type BlockRole =
  | { readonly kind: "program"; readonly example: string; readonly block: ReadmeBlock }
  | {
      readonly kind: "module";
      readonly example: string;
      readonly path: string;
      readonly block: ReadmeBlock;
    }
  | { readonly kind: "not-a-program"; readonly reason: string; readonly block: ReadmeBlock };

export function roleOf(block: ReadmeBlock): BlockRole {
  const check = block.check ?? {};
  const file = check["file"];
  if (check["run-in"] !== undefined) return { kind: "program", example: check["run-in"], block };
  if (check["run-as"] !== undefined) {
    const example = file === undefined ? undefined : exampleOf(file);
    if (example === undefined)
      throw new Error(`README.md:${block.line}: run-as needs a file= inside examples/<name>/`);
    return { kind: "module", example, path: check["run-as"], block };
  }
  if (check["not-a-program"] !== undefined)
    return { kind: "not-a-program", reason: check["not-a-program"], block };
  throw new Error(
    `README.md:${block.line}: say how this ts block runs: run-in=examples/<name> (a program), run-as=<path> (a module of that example) or not-a-program="why".`,
  );
}

function exampleOf(file: string): string | undefined {
  return /^(examples\/[^/]+)\//.exec(file)?.[1];
}

/** One program's run. */
export interface ProgramRun {
  readonly block: ReadmeBlock;
  readonly status: number | null;
  readonly output: string;
  readonly expect: RegExp | null;
}

/**
 * Builds each example that has README programs — a private copy, with the README's modules
 * written over its files and its programs added — with the example's own build (`tspc`), then
 * runs every program with Node. Returns the build failure, if any, or each program's run.
 */
export function runReadmePrograms(
  example: string,
  roles: readonly BlockRole[],
): { buildOutput: string | null; runs: ProgramRun[] } {
  const source = resolve(repositoryRoot, example);
  const scratch = mkdtempSync(join(tmpdir(), "elarion-readme-run-"));
  try {
    for (const entry of ["package.json", "tsconfig.json", "src"])
      cpSync(join(source, entry), join(scratch, entry), { recursive: true });
    symlinkSync(join(source, "node_modules"), join(scratch, "node_modules"), "dir");
    const programs: { block: ReadmeBlock; path: string }[] = [];
    for (const role of roles) {
      if (role.kind === "module" && role.example === example)
        write(join(scratch, role.path), `${role.block.code}\n`);
      if (role.kind === "program" && role.example === example) {
        const check = role.block.check ?? {};
        const path = relative(source, resolve(repositoryRoot, check["file"] ?? ""));
        let code = role.block.code;
        const schema = check["run-schema"];
        if (schema !== undefined)
          code = code
            .split(`schema: "${schema}"`)
            .join(`schema: "${schema}_readme_${process.pid}"`);
        write(
          join(scratch, path),
          `${check["run-prelude"] ?? ""}\n${code}\n${check["run-after"] ?? ""}\nexport {};\n`,
        );
        programs.push({ block: role.block, path });
      }
    }
    const tspc = join(source, "node_modules", "ts-patch", "bin", "tspc.js");
    const build = spawnSync(process.execPath, [tspc, "-p", "tsconfig.json"], {
      cwd: scratch,
      encoding: "utf8",
      timeout: 180_000,
    });
    if (build.status !== 0) return { buildOutput: `${build.stdout}${build.stderr}`, runs: [] };
    const runs = programs.map(({ block, path }) => {
      const compiled = join("dist", relative("src", path)).replace(/\.ts$/, ".js");
      const run = spawnSync(process.execPath, [compiled], {
        cwd: scratch,
        encoding: "utf8",
        timeout: 60_000,
      });
      const expected = block.check?.["run-expect"];
      return {
        block,
        status: run.status,
        output: `${run.stdout}${run.stderr}`,
        expect: expected === undefined ? null : new RegExp(expected, "m"),
      };
    });
    return { buildOutput: null, runs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
