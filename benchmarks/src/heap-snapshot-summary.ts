import { readFileSync } from "node:fs";

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Self size by object kind in a `.heapsnapshot` (v8.writeHeapSnapshot), largest first: what the
 * bytes per pending job are made of. `node dist/src/heap-snapshot-summary.js <file> [per-count] [top]`
 * divides by `per-count` (the number of pending jobs) to show bytes per job.
 */
export function summarizeHeapSnapshot(path: string, perCount: number, top: number): string {
  const snapshot = JSON.parse(readFileSync(path, "utf8")) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const totals = new Map<string, { bytes: number; count: number }>();
  let all = 0;
  for (let offset = 0; offset < snapshot.nodes.length; offset += width) {
    const type = types[snapshot.nodes[offset + typeAt]!] ?? "?";
    const rawName = snapshot.strings[snapshot.nodes[offset + nameAt]!] ?? "?";
    const name =
      type === "string" || type === "concatenated string" || type === "sliced string"
        ? `(${type})`
        : `${type}:${rawName.slice(0, 50)}`;
    const size = snapshot.nodes[offset + sizeAt]!;
    all += size;
    const entry = totals.get(name) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    totals.set(name, entry);
  }
  const rows = [...totals.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(
      ([name, entry]) =>
        `${(entry.bytes / perCount).toFixed(1).padStart(8)} B/job ${(entry.count / perCount).toFixed(2).padStart(6)} objects/job  ${name}`,
    );
  return `heap ${(all / 2 ** 20).toFixed(1)} MiB = ${(all / perCount).toFixed(0)} B per job over ${perCount} jobs\n${rows.join("\n")}\n`;
}

const [file, perCountText, topText] = process.argv.slice(2);
if (file !== undefined && process.argv[1]?.endsWith("heap-snapshot-summary.js")) {
  process.stdout.write(
    summarizeHeapSnapshot(file, Number(perCountText ?? 1), Number(topText ?? 25)),
  );
}
