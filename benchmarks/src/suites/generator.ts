import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, formatRatio, type SuiteReport } from "../support/figure.js";
import { median } from "../support/statistics.js";
import { writeSyntheticProject } from "../support/synthetic-project.js";

const benchmarksRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * Suite 6: `elarion-gen` on a synthetic project against plain `tsc --noEmit` on the same project,
 * hyperfine-style: each command spawned several times (alternating, after one warm-up each), median
 * wall time.
 */
export async function runGeneratorSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 200, 20);
  const runs = sized(mode, 5, 1);
  const projectRoot = path.join(benchmarksRoot, ".tmp", "generator-project");
  const tsconfig = writeSyntheticProject(projectRoot, jobCount);
  // The benchmarks package's own devDependencies, as a user's project would run them.
  const elarionGen = path.join(
    benchmarksRoot,
    "node_modules",
    "@elarion",
    "generator",
    "bin",
    "elarion-gen.js",
  );
  const tsc = path.join(benchmarksRoot, "node_modules", "typescript", "bin", "tsc");
  const commands = {
    "elarion-gen": [elarionGen, "-p", tsconfig],
    "tsc --noEmit": [tsc, "-p", tsconfig, "--noEmit"],
  } as const;

  // Warm-up: the first elarion-gen writes the registry, so tsc then checks the same files every time.
  spawnTimed("elarion-gen", commands["elarion-gen"], projectRoot);
  spawnTimed("tsc --noEmit", commands["tsc --noEmit"], projectRoot);
  const registered =
    readFileSync(path.join(projectRoot, "src", "jobs.generated.ts"), "utf8").split(
      "descriptor: descriptors[",
    ).length - 1;
  if (registered !== jobCount) {
    throw new Error(
      `generator: the registry elarion-gen wrote has ${registered} jobs, expected ${jobCount}; timing it would measure a broken run.`,
    );
  }
  const timings: Record<keyof typeof commands, number[]> = {
    "elarion-gen": [],
    "tsc --noEmit": [],
  };
  for (let run = 0; run < runs; run += 1) {
    for (const name of Object.keys(commands) as (keyof typeof commands)[]) {
      timings[name].push(spawnTimed(name, commands[name], projectRoot));
    }
  }
  const generator = median(timings["elarion-gen"]);
  const typecheck = median(timings["tsc --noEmit"]);
  const ratio = generator / typecheck;
  return {
    suite: "6. generator",
    figures: [
      {
        suite: "6. generator",
        measure: `elarion-gen on a synthetic ${jobCount}-job project, wall time`,
        ours: `${formatNumber(generator)} ms`,
        baseline: `tsc --noEmit: ${formatNumber(typecheck)} ms`,
        ratio: formatRatio(ratio),
        target: "≤ 1.20×",
        met: ratio <= 1.2,
      },
    ],
    notes: [
      `generator: ${jobCount} jobs in ${jobCount} files (3/5 runtime jobs with JSON payloads and a named resilience policy, 1/5 cron methods, 1/5 fixed-rate classes), ` +
        `20 service classes, strict NodeNext tsconfig with @types/node; each command spawned with \`node\` ${runs} times alternating after one warm-up, median wall time ` +
        `(elarion-gen: ${timings["elarion-gen"].map((ms) => formatNumber(ms)).join(", ")} ms; tsc: ${timings["tsc --noEmit"].map((ms) => formatNumber(ms)).join(", ")} ms).`,
    ],
  };
}

function spawnTimed(name: string, args: readonly string[], cwd: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 120_000 });
  const elapsed = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(
      `generator: \`${name}\` exited with ${String(result.status)}: ${`${result.stdout}${result.stderr}`.trim().slice(0, 800)}`,
    );
  }
  return elapsed;
}
