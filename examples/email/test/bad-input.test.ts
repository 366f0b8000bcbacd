import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exampleCopies, exampleDirectory } from "./support/example-copy.js";

const elarionGen = fileURLToPath(
  new URL("../../../packages/generator/bin/elarion-gen.js", import.meta.url),
);
const tsc = join(exampleDirectory, "node_modules", "typescript", "bin", "tsc");
const copies = exampleCopies("elarion-email-bad-input-");
const copyOfExample = copies.copy;
afterAll(() => copies.dispose());

function run(command: string, args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [command, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the email example, broken the way users break it", () => {
  it("a job changed without regenerating: elarion-gen --check says which file is stale and to run elarion-gen, and exits 1", () => {
    const app = copyOfExample("stale");
    const jobFile = join(app, "src", "jobs", "outbox-sweep.ts");
    writeFileSync(
      jobFile,
      readFileSync(jobFile, "utf8").replace('cron: "*/2 * * * * *"', 'cron: "*/5 * * * * *"'),
    );

    const result = run(elarionGen, ["-p", "tsconfig.json", "--check"], app);

    expect(result.status).toBe(1);
    // One ELG030 line per stale file plus the summary; never a stack trace.
    const lines = `${result.stdout}${result.stderr}`.trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(3);
    for (const line of lines)
      expect(line).toMatch(/jobs\.generated(\.descriptors)?\.ts.*stale.*elarion-gen/);
    expect(lines).toContain("elarion-gen: src/jobs.generated.ts is stale — run elarion-gen");
  });

  it("the committed registry matches the sources, so --check passes on the untouched example", () => {
    const result = run(elarionGen, ["-p", "tsconfig.json", "--check"], copyOfExample("fresh"));
    expect(`${result.stdout}${result.stderr}`).toContain("up to date");
    expect(result.status).toBe(0);
  });

  it("no transformer and only the stub registry: the built app says in one line how to generate it", () => {
    const app = copyOfExample("stub");
    const tsconfigPath = join(app, "tsconfig.json");
    const tsconfig = JSON.parse(readFileSync(tsconfigPath, "utf8")) as {
      compilerOptions: Record<string, unknown>;
    };
    delete tsconfig.compilerOptions["plugins"];
    writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
    rmSync(join(app, "src", "jobs.generated.ts"));
    rmSync(join(app, "src", "jobs.generated.descriptors.ts"));
    expect(run(elarionGen, ["-p", "tsconfig.json", "--init"], app).status).toBe(0);
    // Plain tsc still emits JavaScript when the stub's types reject the app's calls.
    run(tsc, ["-p", "tsconfig.json"], app);

    const result = run(join(app, "dist", "main.js"), [], app);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("src/jobs.generated.ts was not generated");
    expect(lines[0]).toContain("elarion-gen");
  });
});
