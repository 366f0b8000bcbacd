import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without declarations
import { repositoryRoot, typecheckProjects } from "../../scripts/typecheck.mjs";

// The generator's fixture apps are its input, some invalid on purpose; the generator's own tests
// compile them with their own tsconfig.json.
const generatorInputs = [
  "packages/generator/test/fixtures/",
  "packages/generator/test/frontends/fixtures/",
];
const skippedDirectories = new Set(["node_modules", "dist", "coverage", "test-output"]);

function typeScriptFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !skippedDirectories.has(entry.name))
        found.push(...typeScriptFiles(path));
    } else if (/\.[mc]?tsx?$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

function filesOf(tsconfig: string): string[] {
  const path = resolve(repositoryRoot as string, tsconfig);
  const read = ts.readConfigFile(path, ts.sys.readFile);
  expect(read.error, `${tsconfig} must parse`).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    ts.sys,
    resolve(path, ".."),
    undefined,
    path,
  );
  expect(
    parsed.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n")),
  ).toEqual([]);
  return parsed.fileNames.map((file) => resolve(file));
}

describe("pnpm typecheck (scripts/typecheck.mjs)", () => {
  it("checks every TypeScript file of the repository: packages and their tests, examples, benchmarks, root tests", () => {
    const projects = typecheckProjects() as string[];
    for (const expected of [
      "packages/runtime/tsconfig.json",
      "examples/email/tsconfig.json",
      "benchmarks/tsconfig.json",
      "test/tsconfig.json",
    ]) {
      expect(projects).toContain(expected);
    }
    const checked = new Set(projects.flatMap(filesOf));
    const root = repositoryRoot as string;
    const unchecked = typeScriptFiles(root)
      .map((file) => relative(root, file).split("\\").join("/"))
      .filter((file) => !generatorInputs.some((prefix) => file.startsWith(prefix)))
      .filter((file) => !checked.has(resolve(root, file)));
    // A file listed here is not type-checked by CI: add it to a tsconfig that scripts/typecheck.mjs runs.
    expect(unchecked).toEqual([]);
  });
});
