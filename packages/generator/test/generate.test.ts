import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { generate, resolveGeneratorOptions, writeIfChanged } from "../src/generate.js";
import { VIRTUAL_ROOT, virtualProgram } from "./support/virtual-project.js";

describe("generate", () => {
  it("works with the typescript instance it is handed (as a ts-patch transformer passes the user's)", () => {
    const used = new Set<string>();
    const handed = new Proxy(ts, {
      get(target, property, receiver) {
        used.add(String(property));
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const program = virtualProgram({
      "src/jobs.ts":
        'import { ScheduledJob } from "@elarion/runtime";\n@ScheduledJob("a.job")\nexport class AJob { execute(): void {} }',
    });
    const result = generate(
      program,
      { outFile: path.join(VIRTUAL_ROOT, "src/jobs.generated.ts"), projectRoot: VIRTUAL_ROOT },
      handed,
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.files[1]!.text).toContain('name: "a.job"');
    expect(used).toContain("isClassDeclaration");
  });
});

describe("resolveGeneratorOptions", () => {
  it("puts the registry at src/jobs.generated.ts next to the tsconfig by default", () => {
    expect(resolveGeneratorOptions("/app/tsconfig.json")).toEqual({
      outFile: "/app/src/jobs.generated.ts",
      projectRoot: "/app",
    });
  });

  it("resolves a relative outFile against the project root", () => {
    expect(
      resolveGeneratorOptions("/app/config/tsconfig.json", { outFile: "lib/registry.ts" }),
    ).toEqual({
      outFile: "/app/config/lib/registry.ts",
      projectRoot: "/app/config",
    });
  });
});

describe("writeIfChanged", () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0))
      fs.rmSync(directory, { recursive: true, force: true });
  });

  it("creates a missing file with its directories, then leaves identical bytes untouched", () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "elarion-write-"));
    directories.push(directory);
    const file = { path: path.join(directory, "src", "jobs.generated.ts"), text: "export {};\n" };
    expect(writeIfChanged(file)).toBe(true);
    const firstWrite = fs.statSync(file.path).mtimeMs;
    fs.utimesSync(file.path, new Date(0), new Date(0));
    expect(writeIfChanged(file)).toBe(false);
    expect(fs.statSync(file.path).mtimeMs).toBe(0);
    expect(firstWrite).toBeGreaterThan(0);
    expect(writeIfChanged({ ...file, text: "export const changed = true;\n" })).toBe(true);
    expect(fs.readFileSync(file.path, "utf8")).toBe("export const changed = true;\n");
  });
});
