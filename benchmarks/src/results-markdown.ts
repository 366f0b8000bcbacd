import type { Figure, SuiteReport } from "./support/figure.js";
import type { MachineDescription } from "./support/machine.js";

/** Everything RESULTS.md shows. */
export interface ResultsInput {
  readonly machine: MachineDescription;
  readonly loadAverageAtEnd: readonly number[];
  readonly versions: Record<string, string>;
  readonly quick: boolean;
  readonly totalSeconds: number;
  readonly reports: readonly SuiteReport[];
  readonly failures: readonly { readonly suite: string; readonly error: string }[];
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function metCell(figure: Figure): string {
  if (figure.met === null) return "—";
  return figure.met ? "**yes**" : "**no**";
}

/** Renders the results table and the settings each suite used. */
export function renderResults(input: ResultsInput): string {
  const { machine } = input;
  const lines: string[] = [];
  lines.push("# Benchmark results", "");
  lines.push(
    "Written by `pnpm bench` (benchmarks/src/run-all.ts); do not edit by hand. Every figure is measured in the same run",
    "on the same machine as its baseline, so read the **ratio**: absolute numbers move with the machine's load.",
    "Where a target is missed, [README.md](README.md#profiled-bottlenecks) names the bottleneck with the profile evidence.",
    "",
  );
  if (input.quick)
    lines.push(
      "> **Quick mode** (`--quick`): reduced sizes, a smoke run only — these figures are not the benchmark.",
      "",
    );
  lines.push("| | |", "|---|---|");
  lines.push(`| Date | ${machine.date} |`);
  lines.push(
    `| Machine | ${cell(machine.cpuModel)}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory |`,
  );
  lines.push(`| Commit | ${cell(machine.commit)} |`);
  lines.push(`| Node.js | ${machine.node} |`);
  lines.push(
    `| PostgreSQL | ${cell(machine.postgres)} (127.0.0.1:5432, same server for every store) |`,
  );
  lines.push(
    `| Packages | ${Object.entries(input.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")} |`,
  );
  // The end figure includes the benchmark's own load, so only the start says whether others were busy.
  const busyAtStart = (machine.loadAverage[0] ?? 0) > machine.cores * 0.5;
  lines.push(
    `| Load average (1/5/15 min) | start ${machine.loadAverage.join(" / ")}, end ${input.loadAverageAtEnd.join(" / ")} (includes the benchmark itself) on ${machine.cores} cores — ` +
      `${busyAtStart ? "**the machine was already loaded when the run started**; expect noisier absolute figures" : "the machine was quiet when the run started"} |`,
  );
  lines.push(`| Duration | ${Math.round(input.totalSeconds)} s |`);
  lines.push("");
  lines.push(
    "| Suite | Measure | Elarion | Baseline | Ratio | Target | Met |",
    "|---|---|---|---|---|---|---|",
  );
  for (const report of input.reports) {
    for (const figure of report.figures) {
      lines.push(
        `| ${cell(figure.suite)} | ${cell(figure.measure)} | ${cell(figure.ours)} | ${cell(figure.baseline)} | ${cell(figure.ratio)} | ${cell(figure.target)} | ${metCell(figure)} |`,
      );
    }
  }
  for (const failure of input.failures) {
    lines.push(`| ${cell(failure.suite)} | suite failed | — | — | — | — | **no** |`);
  }
  lines.push("");
  if (input.failures.length > 0) {
    lines.push("## Failed suites", "");
    for (const failure of input.failures)
      lines.push(`- **${failure.suite}**: ${cell(failure.error)}`);
    lines.push("");
  }
  lines.push("## How each figure was measured", "");
  for (const report of input.reports) {
    for (const note of report.notes) lines.push(`- ${note}`);
  }
  lines.push("");
  return lines.join("\n");
}
