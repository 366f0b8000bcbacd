import fs from "node:fs";
import * as esbuild from "esbuild";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { elarionPlugin } from "../../src/esbuild.js";
import { requireBuiltGenerator } from "./support/built-package.js";
import { copyFixtureApp, DUPLICATE_JOB_FILE, newJobFile, type FixtureApp } from "./support/fixture-app.js";
import { runNode } from "./support/processes.js";

describe("@elarion/generator/esbuild", () => {
  let app: FixtureApp;
  let context: esbuild.BuildContext | undefined;

  beforeAll(requireBuiltGenerator);
  afterEach(async () => {
    await context?.dispose();
    context = undefined;
    app?.remove();
  });

  const buildOptions = (plugins: esbuild.Plugin[]): esbuild.BuildOptions => ({
    absWorkingDir: app.dir,
    entryPoints: ["src/main.ts"],
    outfile: "out/main.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "silent",
    plugins,
  });

  it("generates the registry at build start on a clean checkout, and the bundle runs a job", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await esbuild.build(buildOptions([elarionPlugin({ tsconfig: "tsconfig.json" })]));

    expect(result.errors).toEqual([]);
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
    const run = await runNode(["out/main.js"], app.dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("jobs: billing.daily, emails.send");
    expect(run.stdout).toContain("sent to ada@example.com: Hello");
  });

  it("fails the build with the generator's code and an esbuild location", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);

    const failure = await esbuild.build(buildOptions([elarionPlugin()])).then(
      () => undefined,
      (error: esbuild.BuildFailure) => error,
    );

    const error = failure?.errors.find((message) => message.text.startsWith("ELG001: "));
    expect(error?.pluginName).toBe("elarion");
    const location = error?.location;
    expect(DUPLICATE_JOB_FILE.esbuildLocation.files).toContain(location?.file);
    expect(DUPLICATE_JOB_FILE.esbuildLocation.lines).toContain(location?.line);
    expect(location?.lineText).toContain("@ScheduledJob(");
    expect(location?.lineText.slice(location.column)).toMatch(/^"emails\.send"|^@ScheduledJob|^ScheduledJob/);
  });

  it("hands esbuild the tsconfig, every consulted file, the project files and their directories as watch inputs", async () => {
    app = copyFixtureApp("jobs-app");
    let onStart: (() => unknown) | undefined;
    let onLoad: ((args: { path: string }) => esbuild.OnLoadResult) | undefined;
    let filter: RegExp | undefined;
    const recordingBuild = {
      initialOptions: { absWorkingDir: app.dir },
      onStart: (callback: () => unknown) => (onStart = callback),
      onLoad: (options: { filter: RegExp }, callback: (args: { path: string }) => esbuild.OnLoadResult) => {
        filter = options.filter;
        onLoad = callback;
      },
    };
    elarionPlugin().setup(recordingBuild as unknown as esbuild.PluginBuild);

    expect(onStart?.()).toEqual({ errors: [], warnings: [] });
    expect(filter?.test(app.registryFile)).toBe(true);
    expect(filter?.test(app.descriptorsFile)).toBe(true);
    expect(filter?.test(app.path("src/main.ts"))).toBe(false);
    const loaded = onLoad?.({ path: app.registryFile });

    expect(loaded?.contents).toBe(app.read("src/jobs.generated.ts"));
    expect(loaded?.watchFiles).toEqual(
      expect.arrayContaining([
        app.path("tsconfig.json"),
        app.path("src/jobs/send-email-job.ts"),
        app.path("src/jobs/billing.ts"),
        app.path("src/jobs/email-retry-policy.ts"),
      ]),
    );
    expect(loaded?.watchDirs).toEqual(expect.arrayContaining([app.path("src"), app.path("src/jobs")]));
  });

  it("in context().watch(), regenerates when a job file is added and when a decorator argument changes", async () => {
    app = copyFixtureApp("jobs-app");
    const waiters = new Set<() => void>();
    const buildEnds: esbuild.Plugin = {
      name: "test-build-ends",
      setup: (build) => build.onEnd(() => waiters.forEach((wake) => wake())),
    };
    const afterBuildUntil = (description: string, condition: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for: ${description}`)), 45_000);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = (): void => {
          if (condition()) finish();
        };
        waiters.add(check);
        check();
      });
    const bundleHas = (text: string): boolean => fs.existsSync(app.path("out/main.js")) && app.read("out/main.js").includes(text);

    context = await esbuild.context(buildOptions([elarionPlugin(), buildEnds]));
    const firstBuild = afterBuildUntil("the first build", () => bundleHas('"emails.send"'));
    await context.watch();
    await firstBuild;

    app.write("src/jobs/weekly-report-job.ts", newJobFile("reports.weekly", "WeeklyReportJob"));
    await afterBuildUntil("a rebuild with the new job", () => bundleHas('"reports.weekly"'));
    expect(app.read("src/jobs.generated.ts")).toContain("WeeklyReportJob");

    app.write("src/jobs/billing.ts", app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'));
    await afterBuildUntil("a rebuild with the changed decorator argument", () => bundleHas('"billing.nightly"'));
    expect(app.read("src/jobs.generated.descriptors.ts")).not.toContain('"billing.daily"');
  }, 120_000);
});
