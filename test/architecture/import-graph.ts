import path from "node:path";

/** Folder (or root-level file pattern) of `src/` → rank; lower ranks are closer to the leaves. */
export type LayerMap = Readonly<Record<string, number>>;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** The files of the same package that `file` imports (relative specifiers only), type-only imports included. */
export function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1]!;
    if (!specifier.startsWith(".")) continue;
    found.add(path.resolve(path.dirname(file), specifier).replace(/\.js$/, ".ts"));
  }
  return [...found];
}

/** Every elementary cycle's files, found by depth-first search (each cycle reported once). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      const seen = state.get(next);
      if (seen === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** The layer a file of `src/` belongs to: its folder (the longest listed prefix), or a root-level file entry. */
export function layerOf(src: string, file: string, layers: LayerMap): string | undefined {
  const relative = path.relative(src, file).split(path.sep).join("/");
  const folder = path.posix.dirname(relative);
  const base = path.posix.basename(relative);
  if (folder === ".") return base in layers ? base : "*.ts" in layers ? "*.ts" : undefined;
  const parts = folder.split("/");
  for (let length = parts.length; length > 0; length--) {
    const prefix = parts.slice(0, length).join("/");
    if (prefix in layers) return prefix;
    if (length === parts.length && `${prefix}/*.ts` in layers) return `${prefix}/*.ts`;
  }
  return undefined;
}

/** Each import that points up or sideways between layers, and each file in no layer, as a readable line. */
export function layerViolations(
  src: string,
  graph: ReadonlyMap<string, readonly string[]>,
  layers: LayerMap,
): string[] {
  const problems: string[] = [];
  const show = (file: string): string => path.relative(src, file).split(path.sep).join("/");
  for (const [file, imports] of graph) {
    const from = layerOf(src, file, layers);
    if (from === undefined) {
      problems.push(
        `${show(file)} is in no layer: add its folder to the layer map of test/architecture/import-graph.test.ts`,
      );
      continue;
    }
    for (const target of imports) {
      if (!graph.has(target)) continue;
      const to = layerOf(src, target, layers);
      if (to === undefined || to === from) continue;
      if (layers[to]! >= layers[from]!)
        problems.push(
          `${show(file)} (${from}, rank ${layers[from]}) imports ${show(target)} (${to}, rank ${layers[to]})`,
        );
    }
  }
  return problems.sort();
}
