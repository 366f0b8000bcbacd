import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-esbuild-example-"));
let buildOutput = "";
let buildStatus: number | null = null;
let runOutput = "";
let runStatus: number | null = null;

beforeAll(() => {
  for (const entry of ["package.json", "tsconfig.json", "build.mjs", "src"])
    cpSync(join(exampleDirectory, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(exampleDirectory, "node_modules"), join(scratch, "node_modules"), "dir");
  // Start from a checkout without generated files: the plugin must write them before bundling.
  rmSync(join(scratch, "src", "jobs.generated.ts"));
  rmSync(join(scratch, "src", "jobs.generated.descriptors.ts"));
  const build = spawnSync(process.execPath, ["build.mjs"], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 120_000,
  });
  buildOutput = `${build.stdout}${build.stderr}`;
  buildStatus = build.status;
  const run = spawnSync(process.execPath, [join(scratch, "dist", "main.js")], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 60_000,
  });
  runOutput = `${run.stdout}${run.stderr}`;
  runStatus = run.status;
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the esbuild example", () => {
  it("bundles with the Elarion plugin and no tsc, generating the registry it imports", () => {
    expect(buildStatus, buildOutput).toBe(0);
    expect(existsSync(join(scratch, "dist", "main.js"))).toBe(true);
    expect(readFileSync(join(scratch, "src", "jobs.generated.ts"), "utf8")).toBe(
      readFileSync(join(exampleDirectory, "src", "jobs.generated.ts"), "utf8"),
    );
  });

  it("runs the bundled jobs and exits 0 on its own", () => {
    expect(runStatus, runOutput).toBe(0);
    expect(runOutput.match(/images\.thumbnail \S+ → succeeded/g)).toHaveLength(3);
    expect(runOutput).toContain("6 thumbnails stored; scheduler stopped");
    expect(runOutput).toMatch(/cache\.warm occurrence/);
  });
});
