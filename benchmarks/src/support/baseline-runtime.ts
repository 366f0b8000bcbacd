import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
/** benchmarks/ (this file runs from benchmarks/dist/src/support/). */
const benchmarksRoot = path.resolve(here, "..", "..", "..");
const repositoryRoot = path.resolve(benchmarksRoot, "..");

/** What the suites use of a runtime build: its `createScheduler`. */
export interface RuntimeModule {
  readonly createScheduler: typeof import("@elarion/runtime").createScheduler;
}

/**
 * `@elarion/runtime` as it was at `commit`, for a side-by-side run against today's: its `src/` is
 * taken from git (`git archive`) into benchmarks/.tmp/ and compiled there with this package's
 * TypeScript, once per commit. The suite fails with a clear message where git or the commit is
 * missing (a shallow clone).
 */
export async function loadRuntimeAt(commit: string): Promise<RuntimeModule> {
  const directory = path.join(benchmarksRoot, ".tmp", `runtime-${commit}`);
  const entry = path.join(directory, "dist", "index.js");
  if (!existsSync(entry)) {
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    let archive: Buffer;
    try {
      archive = execFileSync(
        "git",
        ["-C", repositoryRoot, "archive", "--format=tar", commit, "packages/runtime/src"],
        { maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      throw new Error(
        `cannot read packages/runtime/src at commit ${commit} with git (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); ` +
          "run the benchmark in a git clone that has this commit (not a shallow one).",
      );
    }
    execFileSync("tar", ["-x", "--strip-components=2", "-C", directory], { input: archive });
    writeFileSync(
      path.join(directory, "tsconfig.json"),
      JSON.stringify({
        extends: path.join(repositoryRoot, "tsconfig.base.json"),
        compilerOptions: {
          rootDir: "src",
          outDir: "dist",
          declaration: false,
          declarationMap: false,
          sourceMap: false,
        },
        include: ["src"],
      }),
    );
    writeFileSync(
      path.join(directory, "package.json"),
      JSON.stringify({ name: `runtime-${commit}`, private: true, type: "module" }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", directory], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  return (await import(pathToFileURL(entry).href)) as RuntimeModule;
}
