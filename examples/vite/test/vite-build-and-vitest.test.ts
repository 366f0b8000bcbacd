import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-vite-example-"));
const viteCli = join(exampleDirectory, "node_modules", "vite", "bin", "vite.js");
const vitestCli = join(exampleDirectory, "node_modules", "vitest", "vitest.mjs");

/** A copy of the example without its generated files, as a clean checkout that ignores them. */
function cleanCopy(name: string): string {
  const directory = join(scratch, name);
  for (const entry of ["package.json", "tsconfig.json", "vite.config.ts", "src", "spec"]) {
    cpSync(join(exampleDirectory, entry), join(directory, entry), { recursive: true });
  }
  symlinkSync(join(exampleDirectory, "node_modules"), join(directory, "node_modules"), "dir");
  rmSync(join(directory, "src", "jobs.generated.ts"));
  rmSync(join(directory, "src", "jobs.generated.descriptors.ts"));
  return directory;
}

function run(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", CI: "1" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the vite example: the Elarion Vite plugin, no tspc", () => {
  it("vite build generates the registry on a clean checkout, and the built app runs a job", () => {
    const app = cleanCopy("build");
    const build = run([viteCli, "build"], app);
    expect(build.status, build.output).toBe(0);
    expect(readFileSync(join(app, "src", "jobs.generated.ts"), "utf8")).toBe(
      readFileSync(join(exampleDirectory, "src", "jobs.generated.ts"), "utf8"),
    );
    expect(existsSync(join(app, "dist", "main.js"))).toBe(true);
    const started = run([join(app, "dist", "main.js")], app);
    expect(started.status, started.output).toBe(0);
    expect(started.output).toContain("example-vite: reports.build → succeeded; 3 values, total 12");
  }, 180_000);

  it("vitest run generates the registry and runs a job's spec against it", () => {
    const app = cleanCopy("vitest");
    const tested = run([vitestCli, "run"], app);
    expect(tested.status, tested.output).toBe(0);
    expect(tested.output).toMatch(/1 passed/);
    expect(existsSync(join(app, "src", "jobs.generated.ts"))).toBe(true);
  }, 180_000);

  it("a generator error fails vite build and vitest run with its file, line, column and code", () => {
    const app = cleanCopy("broken");
    const job = join(app, "src", "jobs", "build-report-job.ts");
    writeFileSync(
      job,
      readFileSync(job, "utf8").replace(
        '@ScheduledJob("reports.build")',
        '@ScheduledJob("reports.build", { cron: "61 * * * *" })',
      ),
    );
    for (const args of [
      [viteCli, "build"],
      [vitestCli, "run"],
    ]) {
      const failed = run(args, app);
      expect(failed.status, failed.output).not.toBe(0);
      expect(failed.output).toMatch(/src\/jobs\/build-report-job\.ts:\d+:\d+ - error ELG016: /);
    }
    expect(existsSync(join(app, "src", "jobs.generated.ts"))).toBe(false);
  }, 180_000);
});
