import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderResults } from "./results-markdown.js";
import { SUITES, type SuiteEntry } from "./suite-catalog.js";
import type { SuiteReport } from "./support/figure.js";
import { describeMachine } from "./support/machine.js";
import { installedVersions } from "./support/package-versions.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** benchmarks/ (this file runs from benchmarks/dist/src/). */
const benchmarksRoot = path.resolve(here, "..", "..");

/**
 * `pnpm bench`: runs every suite in its own process, in sequence, and writes benchmarks/RESULTS.md.
 * `--quick` runs reduced sizes as a smoke test and writes benchmarks/.tmp/RESULTS.quick.md instead.
 * `--only a,b` runs some suites (for development); it never overwrites RESULTS.md.
 */
async function main(argv: readonly string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const onlyIndex = argv.indexOf("--only");
  const only =
    onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? "").split(",").filter((id) => id !== "") : null;
  const unknown = only?.filter((id) => !SUITES.some((suite) => suite.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `run-all: unknown suite(s) ${unknown.join(", ")}; known: ${SUITES.map((suite) => suite.id).join(", ")}.\n`,
    );
    return 2;
  }
  const selected = only === null ? SUITES : SUITES.filter((suite) => only.includes(suite.id));
  const scratch = path.join(benchmarksRoot, ".tmp");
  mkdirSync(scratch, { recursive: true });

  const started = Date.now();
  const machine = await describeMachine();
  const reports: SuiteReport[] = [];
  const failures: { suite: string; error: string }[] = [];
  for (const suite of selected) {
    process.stdout.write(`\n== ${suite.id}${quick ? " (quick)" : ""} ==\n`);
    const suiteStarted = Date.now();
    const outcome = await runSuiteProcess(suite, path.join(scratch, `${suite.id}.json`), quick);
    if ("error" in outcome) {
      failures.push({ suite: suite.id, error: outcome.error });
      process.stdout.write(`   FAILED: ${outcome.error}\n`);
    } else {
      reports.push(outcome.report);
      for (const figure of outcome.report.figures) {
        process.stdout.write(
          `   ${figure.measure}: ${figure.ours} | ${figure.baseline} | ${figure.ratio} | target ${figure.target}\n`,
        );
      }
    }
    process.stdout.write(`   (${((Date.now() - suiteStarted) / 1000).toFixed(1)} s)\n`);
  }

  const markdown = renderResults({
    machine,
    loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
    versions: installedVersions(benchmarksRoot, [
      "@elarion/runtime",
      "@elarion/generator",
      "graphile-worker",
      "pg-boss",
      "bullmq",
      "ioredis",
      "pg",
      "tinybench",
      "typescript",
    ]),
    quick,
    totalSeconds: (Date.now() - started) / 1000,
    reports,
    failures,
  });
  const target =
    quick || only !== null
      ? path.join(scratch, quick ? "RESULTS.quick.md" : "RESULTS.partial.md")
      : path.join(benchmarksRoot, "RESULTS.md");
  writeFileSync(target, markdown);
  process.stdout.write(
    `\nwrote ${path.relative(process.cwd(), target)}${failures.length > 0 ? ` — ${failures.length} suite(s) failed` : ""}\n`,
  );
  return failures.length > 0 ? 1 : 0;
}

type SuiteOutcome = { report: SuiteReport } | { error: string };

function runSuiteProcess(
  suite: SuiteEntry,
  reportPath: string,
  quick: boolean,
): Promise<SuiteOutcome> {
  rmSync(reportPath, { force: true });
  const args = [
    ...suite.nodeFlags,
    path.join(here, "run-suite.js"),
    suite.id,
    reportPath,
    ...(quick ? ["--quick"] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${suite.timeoutMs} ms`;
      child.kill("SIGKILL");
    }, suite.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve({ report: JSON.parse(readFileSync(reportPath, "utf8")) as SuiteReport });
        } catch (error) {
          resolve({
            error: `no readable report: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        return;
      }
      const lastLines = stderr.trim().split("\n").slice(-3).join(" / ");
      resolve({
        error: `exit code ${String(code)}: ${lastLines === "" ? "no error output" : lastLines}`,
      });
    });
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
