import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`): self time by function and by file, top
 * entries first. `node dist/src/cpu-profile-summary.js <file.cpuprofile> [top]`.
 */
function summarize(path: string, top: number): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file =
      frame.url === ""
        ? "(native/vm)"
        : frame.url.replace(/^file:\/\/.*?\/(node_modules|packages|benchmarks)\//, "$1/");
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const table = (entries: Map<string, number>) =>
    [...entries.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, us]) =>
          `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      )
      .join("\n");
  return `total sampled ${(total / 1000).toFixed(0)} ms\n\nself time by function:\n${table(byFunction)}\n\nself time by file:\n${table(byFile)}\n`;
}

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node dist/src/cpu-profile-summary.js <file.cpuprofile> [top]\n");
  process.exitCode = 2;
} else {
  process.stdout.write(summarize(file, Number(topText ?? 25)));
}
