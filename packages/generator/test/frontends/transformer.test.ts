import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltGenerator } from "./support/built-package.js";
import {
  copyFixtureApp,
  DATE_PAYLOAD_JOB_FILE,
  DUPLICATE_JOB_FILE,
  newJobFile,
  type FixtureApp,
} from "./support/fixture-app.js";
import { runNode, tspcBin, WatchedProcess } from "./support/processes.js";

describe("@elarion/generator/transformer under tspc", () => {
  let app: FixtureApp;
  let watcher: WatchedProcess | undefined;

  beforeAll(requireBuiltGenerator);
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    app?.remove();
  });

  const tspc = (...args: string[]) =>
    runNode([tspcBin, "-p", "tsconfig.json", "--pretty", "false", ...args], app.dir);
  const runApp = () => runNode(["dist/main.js"], app.dir);
  const enableIncremental = (): void => {
    const tsconfig = JSON.parse(app.read("tsconfig.json")) as {
      compilerOptions: Record<string, unknown>;
    };
    tsconfig.compilerOptions["incremental"] = true;
    tsconfig.compilerOptions["tsBuildInfoFile"] = "dist/.tsbuildinfo";
    app.write("tsconfig.json", JSON.stringify(tsconfig, null, 2));
  };

  it("is loaded by ts-patch through require(), as the CommonJS bundle, exporting the program transformer", () => {
    app = copyFixtureApp("jobs-app");
    const requireFromApp = createRequire(app.path("tsconfig.json"));

    const entry = requireFromApp.resolve("@elarion/generator/transformer");
    const loaded = requireFromApp(entry) as { default?: unknown };

    expect(path.basename(entry)).toBe("transformer.cjs");
    expect(typeof loaded.default).toBe("function");
    expect((loaded.default as (...args: unknown[]) => unknown).length).toBeGreaterThanOrEqual(2);
  });

  it("builds a clean checkout whose app imports the not-yet-generated registry, and the app runs a job", async () => {
    app = copyFixtureApp("jobs-app");
    expect(fs.existsSync(app.registryFile)).toBe(false);

    const build = await tspc();

    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
    expect(fs.existsSync(app.path("dist/jobs.generated.js"))).toBe(true);
    expect(fs.existsSync(app.path("dist/jobs.generated.descriptors.js"))).toBe(true);

    const run = await runApp();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("jobs: billing.daily, emails.send");
    expect(run.stdout).toContain("sent to ada@example.com: Hello");
  });

  it("honours the plugin's outFile option, relative to the tsconfig", async () => {
    app = copyFixtureApp("jobs-app");
    const tsconfig = JSON.parse(app.read("tsconfig.json")) as {
      compilerOptions: { plugins: Record<string, unknown>[] };
    };
    tsconfig.compilerOptions.plugins[0]!["outFile"] = "src/generated/registry.ts";
    app.write("tsconfig.json", JSON.stringify(tsconfig, null, 2));
    app.write(
      "src/main.ts",
      app.read("src/main.ts").replace("./jobs.generated.js", "./generated/registry.js"),
    );

    const build = await tspc();

    expect(build.stdout).toBe("");
    expect(build.code).toBe(0);
    expect(app.read("src/generated/registry.descriptors.ts")).toContain('"emails.send"');
    expect(fs.existsSync(app.registryFile)).toBe(false);
    expect((await runApp()).stdout).toContain("sent to ada@example.com: Hello");
  });

  it("recompiles a stale registry that is already on disk (non-incremental)", async () => {
    app = copyFixtureApp("jobs-app");
    expect((await tspc()).code).toBe(0);

    app.write(
      "src/jobs/billing.ts",
      app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'),
    );
    const rebuild = await tspc();

    expect(rebuild.stdout).toBe("");
    expect(rebuild.code).toBe(0);
    expect(app.read("src/jobs.generated.descriptors.ts")).toContain('"billing.nightly"');
    expect((await runApp()).stdout).toContain("jobs: billing.nightly, emails.send");
  });

  it("fails tspc with the generator's code at file(line,col)", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);

    const build = await tspc();

    expect(build.code).not.toBe(0);
    expect(build.stdout).toMatch(DUPLICATE_JOB_FILE.tscDiagnostic);
  });

  it("fails tspc with ELG033 at the tsconfig's target when the build would emit decorators Node cannot run", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(
      "tsconfig.json",
      app.read("tsconfig.json").replace('"target": "ES2022"', '"target": "ESNext"'),
    );

    const build = await tspc();

    expect(build.code).not.toBe(0);
    expect(build.stdout).toMatch(
      /^tsconfig\.json\(3,5\): error TS990033: ELG033: The build would emit decorators as written: "target" is "ESNext"/m,
    );
  });

  it("prints a generator warning with file(line,col) without failing the build or hiding type errors", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DATE_PAYLOAD_JOB_FILE.path, DATE_PAYLOAD_JOB_FILE.text);

    const build = await tspc();

    expect(build.stderr).toMatch(
      /src\/jobs\/reminder-job\.ts\(\d+,\d+\): warning TS990015: ELG015: /,
    );
    expect(build.stdout).toBe("");
    expect(build.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toContain("ReminderJob");

    app.write("src/type-error.ts", "export const notANumber: number = 'text';\n");
    const withTypeError = await tspc();
    expect(withTypeError.code).not.toBe(0);
    expect(withTypeError.stdout).toMatch(/src\/type-error\.ts\(1,14\): error TS2322/);
  });

  it("with incremental: rebuilds regenerate after a change, and a tsbuildinfo never hides a missing or stale registry", async () => {
    app = copyFixtureApp("jobs-app");
    enableIncremental();

    expect((await tspc()).code).toBe(0);
    const generated = app.read("src/jobs.generated.ts");
    const generatedAt = fs.statSync(app.registryFile).mtimeMs;

    const unchanged = await tspc();
    expect(unchanged.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toBe(generated);
    expect(fs.statSync(app.registryFile).mtimeMs).toBe(generatedAt);

    app.write(
      "src/jobs/billing.ts",
      app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'),
    );
    app.write("src/jobs/weekly-report-job.ts", newJobFile("reports.weekly", "WeeklyReportJob"));
    const changed = await tspc();
    expect(changed.stdout).toBe("");
    expect(changed.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toContain("WeeklyReportJob");
    expect((await runApp()).stdout).toContain("jobs: billing.nightly, emails.send, reports.weekly");

    fs.rmSync(app.registryFile);
    fs.rmSync(app.descriptorsFile);
    const afterDelete = await tspc();
    expect(afterDelete.stdout).toBe("");
    expect(afterDelete.code).toBe(0);
    expect(app.read("src/jobs.generated.ts")).toContain("WeeklyReportJob");

    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);
    expect((await tspc()).code).not.toBe(0);
    const stillFailing = await tspc();
    expect(stillFailing.code).not.toBe(0);
    expect(stillFailing.stdout).toMatch(DUPLICATE_JOB_FILE.tscDiagnostic);
  }, 180_000);

  it("in tspc --watch, regenerates and recompiles when a job file is added and when a decorator argument changes", async () => {
    app = copyFixtureApp("jobs-app");
    watcher = new WatchedProcess(
      [tspcBin, "-p", "tsconfig.json", "--watch", "--preserveWatchOutput", "--pretty", "false"],
      app.dir,
    );
    const compiledDescriptorsHave = (text: string): boolean => {
      const compiled = app.path("dist/jobs.generated.descriptors.js");
      return fs.existsSync(compiled) && fs.readFileSync(compiled, "utf8").includes(text);
    };

    await watcher.until(
      "the first build",
      (output) =>
        output.includes("Watching for file changes") && compiledDescriptorsHave('"emails.send"'),
    );

    app.write("src/jobs/weekly-report-job.ts", newJobFile("reports.weekly", "WeeklyReportJob"));
    await watcher.until("a rebuild with the new job", () =>
      compiledDescriptorsHave('"reports.weekly"'),
    );
    expect(app.read("src/jobs.generated.ts")).toContain("WeeklyReportJob");

    app.write(
      "src/jobs/billing.ts",
      app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'),
    );
    await watcher.until("a rebuild with the changed decorator argument", () =>
      compiledDescriptorsHave('"billing.nightly"'),
    );
    expect(app.read("src/jobs.generated.descriptors.ts")).not.toContain('"billing.daily"');

    expect(watcher.text).not.toMatch(/error TS/);
  }, 180_000);

  it("in tspc --watch, reports a generator error and recovers once it is fixed", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);
    watcher = new WatchedProcess(
      [tspcBin, "-p", "tsconfig.json", "--watch", "--preserveWatchOutput", "--pretty", "false"],
      app.dir,
    );

    await watcher.until(
      "the failing first build",
      (output) =>
        DUPLICATE_JOB_FILE.tscDiagnostic.test(output) &&
        output.includes("Watching for file changes"),
    );

    const printedBeforeFix = watcher.text.length;
    fs.rmSync(app.path(DUPLICATE_JOB_FILE.path));
    await watcher.until("a clean rebuild", (output) =>
      output.slice(printedBeforeFix).includes("Found 0 errors"),
    );
    expect(fs.existsSync(app.path("dist/jobs.generated.js"))).toBe(true);
    expect((await runApp()).stdout).toContain("sent to ada@example.com: Hello");
  }, 180_000);
});
