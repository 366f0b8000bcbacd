// `pnpm typecheck`: tsc --noEmit over every TypeScript project of the repository — the packages
// with their tests, every example (sources and tests), the benchmarks, and the root tests. The
// type tests (`@ts-expect-error` lines such as packages/runtime/test/scheduler/typing.test.ts)
// are only checked here: Vitest strips types without checking them;
// test/typecheck/broken-type-test.test.ts proves a broken one turns this red.
// test/typecheck/typecheck-projects.test.ts proves every .ts file belongs to one of these projects.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Every tsconfig `pnpm typecheck` checks, relative to the repository root. */
export function typecheckProjects(root = repositoryRoot) {
  const inFolders = (folder) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(join(root, folder, entry.name, "tsconfig.json")),
      )
      .map((entry) => `${folder}/${entry.name}/tsconfig.json`)
      .sort();
  return [
    ...inFolders("packages"),
    ...inFolders("examples"),
    "examples/tsconfig.test.json",
    "benchmarks/tsconfig.json",
    "test/tsconfig.json",
  ];
}

const tscArguments = (tsconfig) => [
  createRequire(join(repositoryRoot, "package.json")).resolve("typescript/bin/tsc"),
  "-p",
  tsconfig,
  "--noEmit",
  "--pretty",
  "false",
];

/** Runs tsc --noEmit on one project; answers its exit status and output. */
export function typecheckProject(tsconfig, cwd = repositoryRoot) {
  const result = spawnSync(process.execPath, tscArguments(tsconfig), { cwd, encoding: "utf8" });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

function typecheckProjectAsync(tsconfig) {
  return new Promise((resolveResult) => {
    const child = spawn(process.execPath, tscArguments(tsconfig), { cwd: repositoryRoot });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (status) => resolveResult({ status: status ?? 1, output }));
  });
}

async function main() {
  const projects = typecheckProjects();
  const failed = [];
  let next = 0;
  // A few projects at once: each tsc is single-threaded, and every one is independent.
  const worker = async () => {
    while (next < projects.length) {
      const project = projects[next++];
      const started = Date.now();
      const { status, output } = await typecheckProjectAsync(project);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${status === 0 ? "ok  " : "FAIL"} ${project} (${seconds} s)\n`);
      if (status !== 0) {
        process.stdout.write(output);
        failed.push(relative(repositoryRoot, resolve(repositoryRoot, project)));
      }
    }
  };
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed.length > 0) {
    console.error(
      `typecheck failed in ${failed.join(", ")}; fix the type errors above ` +
        "(a type test's @ts-expect-error line that no longer errors counts too).",
    );
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
