import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

// `pnpm lint` must catch the defects it is configured for. This lints small files with the
// repository's biome.jsonc (copied verbatim, minus the git integration) in a scratch directory,
// laid out like the repository so the per-folder overrides apply.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const biome = createRequire(join(root, "package.json")).resolve("@biomejs/biome/bin/biome");
const scratch = mkdtempSync(join(tmpdir(), "elarion-lint-rules-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const parsed = ts.parseConfigFileTextToJson(
  "biome.jsonc",
  readFileSync(join(root, "biome.jsonc"), "utf8"),
);
const { $schema: _schema, vcs: _vcs, ...config } = parsed.config as Record<string, unknown>;
writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));

const files: Record<string, string> = {
  "packages/runtime/src/clean.ts": [
    'type Status = "queued" | "running" | "done";',
    "",
    "async function store(): Promise<number> {",
    "  return 1;",
    "}",
    "",
    "export async function label(status: Status): Promise<string> {",
    "  await store();",
    "  switch (status) {",
    '    case "queued":',
    '      return "q";',
    '    case "running":',
    '      return "r";',
    '    case "done":',
    '      return "d";',
    "  }",
    "}",
    "",
  ].join("\n"),
  "packages/runtime/src/floating-promise.ts": [
    "async function store(): Promise<number> {",
    "  return 1;",
    "}",
    "",
    "export function save(): void {",
    "  store();",
    "}",
    "",
  ].join("\n"),
  "packages/runtime/src/unused-import.ts":
    'import { join } from "node:path";\n\nexport const one = 1;\n',
  "packages/runtime/src/explicit-any.ts": "export type Loose = Record<string, any>;\n",
  "packages/runtime/src/non-exhaustive-switch.ts": [
    'type Status = "queued" | "running" | "done";',
    "",
    "export function label(status: Status): string {",
    "  switch (status) {",
    '    case "queued":',
    '      return "q";',
    '    case "running":',
    '      return "r";',
    "  }",
    '  return "";',
    "}",
    "",
  ].join("\n"),
  "packages/runtime/src/misformatted.ts": "export const  one = { a: 1,b: 2 }\n",
  // Printed by the generator: not formatted by Biome, still linted.
  "examples/email/src/jobs.generated.ts":
    'import { join } from "node:path";\nexport const  one = { a: 1,b: 2 }\n',
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

interface Diagnostic {
  category: string;
  location: { path: string | null };
}

function findings(): Map<string, string[]> {
  const result = spawnSync(
    process.execPath,
    [biome, "ci", "--colors=off", "--reporter=json", "--error-on-warnings", "."],
    {
      cwd: scratch,
      encoding: "utf8",
    },
  );
  expect(result.stdout, result.stderr).not.toBe("");
  const report = JSON.parse(result.stdout) as { diagnostics: Diagnostic[] };
  const byFile = new Map<string, string[]>();
  for (const diagnostic of report.diagnostics) {
    const path = (diagnostic.location.path ?? "").split("\\").join("/");
    byFile.set(path, [...(byFile.get(path) ?? []), diagnostic.category].sort());
  }
  return byFile;
}

describe("pnpm lint (Biome with biome.jsonc)", () => {
  it("reports a floating promise, an unused import, an explicit any, a non-exhaustive switch and a misformatted file; not a clean file", () => {
    expect(execFileSync(process.execPath, [biome, "--version"], { encoding: "utf8" })).toMatch(
      /\d+\.\d+\.\d+/,
    );
    const byFile = findings();
    expect(byFile.get("packages/runtime/src/clean.ts")).toBeUndefined();
    expect(byFile.get("packages/runtime/src/floating-promise.ts")).toEqual([
      "lint/nursery/noFloatingPromises",
    ]);
    expect(byFile.get("packages/runtime/src/unused-import.ts")).toEqual([
      "lint/correctness/noUnusedImports",
    ]);
    expect(byFile.get("packages/runtime/src/explicit-any.ts")).toEqual([
      "lint/suspicious/noExplicitAny",
    ]);
    expect(byFile.get("packages/runtime/src/non-exhaustive-switch.ts")).toEqual([
      "lint/nursery/useExhaustiveSwitchCases",
    ]);
    expect(byFile.get("packages/runtime/src/misformatted.ts")).toEqual(["format"]);
    expect(byFile.get("examples/email/src/jobs.generated.ts")).toEqual([
      "lint/correctness/noUnusedImports",
    ]);
  });
});
