/**
 * The layering of docs/architecture.md, enforced: every import between the source folders of a
 * package must point down (toward the leaves), and no file may reach itself through imports —
 * type-only imports included, since they couple files just the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycles, importsOf, layerViolations, type LayerMap } from "./import-graph.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Rank of each folder (or root-level file) of `src/`: a file may import only from a lower rank, or
 * from its own folder. Peers (same rank, different folders) may not import each other.
 */
const LAYERS: Record<string, LayerMap> = {
  runtime: {
    core: 0,
    policy: 1,
    authoring: 2,
    registry: 3,
    state: 4,
    "stores/*.ts": 5,
    "stores/memory": 6,
    "stores/postgres": 6,
    dispatch: 6,
    telemetry: 6,
    scheduler: 7,
    testing: 7,
    "*.ts": 8,
  },
  dashboard: {
    html: 0,
    http: 0,
    queries: 1,
    actions: 2,
    views: 2,
    "*.ts": 3,
  },
  generator: {
    model: 0,
    diagnostics: 1,
    analyzer: 2,
    printer: 2,
    "generate.ts": 3,
    frontends: 4,
    "*.ts": 5,
  },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

const packages = readdirSync(path.join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe("import graph of packages/*/src", () => {
  for (const name of packages) {
    const src = path.join(root, "packages", name, "src");
    const files = sourceFiles(src);
    const graph = new Map(files.map((file) => [file, importsOf(file, readFileSync(file, "utf8"))]));

    it(`${name}: no file imports itself through a cycle`, () => {
      expect(
        findCycles(graph).map((cycle) => cycle.map((file) => path.relative(src, file)).join(" → ")),
      ).toEqual([]);
    });

    const layers = LAYERS[name];
    if (layers !== undefined) {
      it(`${name}: every import points down the layers`, () => {
        expect(layerViolations(src, graph, layers)).toEqual([]);
      });
    }
  }

  it("knows the layers of the runtime, the generator and the dashboard (a package's rules cannot silently go missing)", () => {
    expect(packages).toEqual(expect.arrayContaining(["runtime", "generator", "dashboard"]));
  });
});

describe("the checks themselves", () => {
  const src = "/p/src";
  const layers: LayerMap = {
    core: 0,
    dispatch: 1,
    "stores/*.ts": 1,
    "stores/memory": 2,
    "*.ts": 3,
  };
  const graph = new Map<string, string[]>([
    ["/p/src/core/clock.ts", ["/p/src/dispatch/loop.ts"]],
    ["/p/src/dispatch/loop.ts", ["/p/src/core/clock.ts", "/p/src/stores/job-store.ts"]],
    ["/p/src/stores/job-store.ts", []],
    ["/p/src/stores/memory/store.ts", ["/p/src/stores/job-store.ts", "/p/src/core/clock.ts"]],
    ["/p/src/index.ts", ["/p/src/stores/memory/store.ts"]],
    ["/p/src/extra/thing.ts", []],
  ]);

  it("reports an arrow that points up, an arrow between peers and a file in no layer", () => {
    expect(layerViolations(src, graph, layers)).toEqual([
      "core/clock.ts (core, rank 0) imports dispatch/loop.ts (dispatch, rank 1)",
      "dispatch/loop.ts (dispatch, rank 1) imports stores/job-store.ts (stores/*.ts, rank 1)",
      "extra/thing.ts is in no layer: add its folder to the layer map of test/architecture/import-graph.test.ts",
    ]);
  });

  it("reports a cycle with its files in order", () => {
    expect(findCycles(graph)).toEqual([
      ["/p/src/core/clock.ts", "/p/src/dispatch/loop.ts", "/p/src/core/clock.ts"],
    ]);
  });

  it("reads static, re-export, side-effect and dynamic imports, type-only ones included", () => {
    const text = [
      'import type { A } from "./a.js";',
      'export { B } from "../b.js";',
      'import "./c.js";',
      'const d = await import("./d.js");',
      'import {\n  E,\n} from "./e.js";',
      'import pg from "pg";',
    ].join("\n");
    expect(importsOf("/p/src/x/y.ts", text).sort()).toEqual([
      "/p/src/b.ts",
      "/p/src/x/a.ts",
      "/p/src/x/c.ts",
      "/p/src/x/d.ts",
      "/p/src/x/e.ts",
    ]);
  });
});
