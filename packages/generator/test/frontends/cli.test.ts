import fs from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltGenerator } from "./support/built-package.js";
import {
  copyFixtureApp,
  DATE_PAYLOAD_JOB_FILE,
  DUPLICATE_JOB_FILE,
  newJobFile,
  type FixtureApp,
} from "./support/fixture-app.js";
import { countOf, elarionGenBin, runNode, WatchedProcess } from "./support/processes.js";

describe("elarion-gen", () => {
  let app: FixtureApp;
  let watcher: WatchedProcess | undefined;

  beforeAll(requireBuiltGenerator);
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    app?.remove();
  });

  const elarionGen = (...args: string[]) => runNode([elarionGenBin, ...args], app.dir);

  it("generates the registry and its descriptors on a clean checkout, then leaves identical bytes alone", async () => {
    app = copyFixtureApp("jobs-app");

    const first = await elarionGen("-p", "tsconfig.json");

    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      "wrote src/jobs.generated.ts, src/jobs.generated.descriptors.ts",
    );
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
    expect(app.read("src/jobs.generated.descriptors.ts")).toContain('"billing.daily"');

    const writtenAt = fs.statSync(app.registryFile).mtimeMs;
    const second = await elarionGen("-p", ".");

    expect(second.code).toBe(0);
    expect(second.stdout).toContain("src/jobs.generated.ts is up to date");
    expect(fs.statSync(app.registryFile).mtimeMs).toBe(writtenAt);
  });

  it("--out writes the registry (and its descriptors beside it) to a path relative to the working directory", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await elarionGen("--out", "src/generated/registry.ts");

    expect(result.code).toBe(0);
    expect(app.read("src/generated/registry.ts")).toContain("SendEmailJob");
    expect(app.read("src/generated/registry.descriptors.ts")).toContain('"emails.send"');
    expect(fs.existsSync(app.registryFile)).toBe(false);
  });

  it("--check fails while the registry is missing or stale, writes nothing, and passes once it is fresh", async () => {
    app = copyFixtureApp("jobs-app");

    const missing = await elarionGen("--check");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("src/jobs.generated.ts is stale — run elarion-gen");
    expect(missing.stderr).toMatch(/src\/jobs\.generated\.ts:1:1 - error ELG030/);
    expect(fs.existsSync(app.registryFile)).toBe(false);

    expect((await elarionGen()).code).toBe(0);
    const fresh = await elarionGen("--check");
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toBe("");

    app.write(
      "src/jobs/billing.ts",
      app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'),
    );
    const before = app.read("src/jobs.generated.ts");
    const stale = await elarionGen("--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/src\/jobs\.generated\.descriptors\.ts:1:1 - error ELG030: /);
    expect(stale.stderr).toContain("src/jobs.generated.ts is stale — run elarion-gen");
    expect(app.read("src/jobs.generated.ts")).toBe(before);
  });

  it("reports a generator error as file:line:col with its code and exits 1 without writing", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);

    const result = await elarionGen();

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(DUPLICATE_JOB_FILE.cliDiagnostic);
    expect(fs.existsSync(app.registryFile)).toBe(false);
  });

  it("reports ELG033 at the tsconfig's module when no target is set and NodeNext makes it ESNext", async () => {
    app = copyFixtureApp("jobs-app");
    app.write("tsconfig.json", app.read("tsconfig.json").replace('"target": "ES2022",\n', ""));

    const result = await elarionGen();

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^tsconfig\.json:4:5 - error ELG033: .*"target" is not set, so "module": "NodeNext" makes it ESNext/m,
    );
  });

  it("prints a warning with its location but still generates and exits 0", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DATE_PAYLOAD_JOB_FILE.path, DATE_PAYLOAD_JOB_FILE.text);

    const result = await elarionGen();

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/src\/jobs\/reminder-job\.ts:\d+:\d+ - warning ELG015: /);
    expect(app.read("src/jobs.generated.ts")).toContain("ReminderJob");
  });

  it("--watch regenerates when a job file is added and when a decorator argument changes", async () => {
    app = copyFixtureApp("jobs-app");
    watcher = new WatchedProcess([elarionGenBin, "--watch"], app.dir);
    const regenerations = (): number =>
      countOf(watcher?.text ?? "", "regenerated src/jobs.generated.ts");
    const registryHas = (text: string): boolean =>
      fs.existsSync(app.registryFile) && app.read("src/jobs.generated.ts").includes(text);

    await watcher.until(
      "the first generation",
      () => regenerations() >= 1 && registryHas("SendEmailJob"),
    );

    app.write("src/jobs/weekly-report-job.ts", newJobFile("reports.weekly", "WeeklyReportJob"));
    await watcher.until("a regeneration that includes the new job", () =>
      registryHas("WeeklyReportJob"),
    );
    expect(app.read("src/jobs.generated.descriptors.ts")).toContain('"reports.weekly"');

    const seen = regenerations();
    app.write(
      "src/jobs/weekly-report-job.ts",
      newJobFile("reports.weekly-summary", "WeeklyReportJob"),
    );
    await watcher.until(
      "a regeneration with the changed job name",
      () =>
        regenerations() > seen &&
        app.read("src/jobs.generated.descriptors.ts").includes('"reports.weekly-summary"'),
    );
    expect(app.read("src/jobs.generated.descriptors.ts")).not.toContain('"reports.weekly"');
  }, 150_000);

  it("--watch reports a generator error with its location and generates once it is fixed", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);
    watcher = new WatchedProcess([elarionGenBin, "--watch"], app.dir);

    await watcher.until(
      "the error report",
      (output) =>
        DUPLICATE_JOB_FILE.cliDiagnostic.test(output) && output.includes("not regenerated"),
    );
    expect(fs.existsSync(app.registryFile)).toBe(false);

    fs.rmSync(app.path(DUPLICATE_JOB_FILE.path));
    await watcher.until("a regeneration after the fix", (output) =>
      output.includes("regenerated src/jobs.generated.ts"),
    );
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
  }, 150_000);

  it("--init writes the stub only when the registry does not exist yet", async () => {
    app = copyFixtureApp("jobs-app");

    const init = await elarionGen("--init");
    expect(init.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toContain("registryNotGenerated(");

    app.write("src/jobs.generated.ts", "// kept\n");
    const again = await elarionGen("--init");
    expect(again.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toBe("// kept\n");
  });

  it("rejects an unknown flag with one line naming it, then the usage, and exit code 2", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await elarionGen("--chek");

    expect(result.code).toBe(2);
    const [first, second] = result.stderr.split("\n");
    expect(first).toContain("--chek");
    expect(second).toMatch(/^Usage: elarion-gen/);
  });

  it("says which tsconfig it could not find", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await elarionGen("-p", "missing/tsconfig.json");

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("missing/tsconfig.json");
    expect(result.stderr).toContain("-p <path>");
  });

  it("--help prints the usage and exits 0", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await elarionGen("--help");

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: elarion-gen \[-p tsconfig.json\] \[--out path\]/);
  });
});
