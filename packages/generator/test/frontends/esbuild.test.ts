import fs from "node:fs";
import * as esbuild from "esbuild";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
// The built package, like the CLI and tspc in these tests: all three front ends run the same build.
import { elarionPlugin } from "../../dist/esbuild.js";
import { requireBuiltGenerator } from "./support/built-package.js";
import {
  copyFixtureApp,
  DATE_PAYLOAD_JOB_FILE,
  DUPLICATE_JOB_FILE,
  newJobFile,
  type FixtureApp,
} from "./support/fixture-app.js";
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

  /** Records every build end of a watch context, so a test can wait for "a build after which X holds". */
  const watchBuildEnds = () => {
    const waiters = new Set<() => void>();
    let last: esbuild.BuildResult | undefined;
    const plugin: esbuild.Plugin = {
      name: "test-build-ends",
      setup: (build) =>
        build.onEnd((result) => {
          last = result;
          waiters.forEach((wake) => wake());
        }),
    };
    const until = (
      description: string,
      condition: (result: esbuild.BuildResult) => boolean,
    ): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for: ${description}`)),
          45_000,
        );
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = (): void => {
          if (last !== undefined && condition(last)) finish();
        };
        waiters.add(check);
        check();
      });
    return { plugin, until };
  };

  it("generates the registry at build start on a clean checkout, and the bundle runs a job", async () => {
    app = copyFixtureApp("jobs-app");

    const result = await esbuild.build(
      buildOptions([elarionPlugin({ tsconfig: "tsconfig.json" })]),
    );

    expect(result.errors).toEqual([]);
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
    const run = await runNode(["out/main.js"], app.dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("jobs: billing.daily, emails.send");
    expect(run.stdout).toContain("sent to ada@example.com: Hello");
  });

  it("honours the outFile option, relative to esbuild's working directory", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(
      "src/main.ts",
      app.read("src/main.ts").replace("./jobs.generated.js", "./generated/registry.js"),
    );

    const result = await esbuild.build(
      buildOptions([elarionPlugin({ outFile: "src/generated/registry.ts" })]),
    );

    expect(result.errors).toEqual([]);
    expect(app.read("src/generated/registry.descriptors.ts")).toContain('"emails.send"');
    expect((await runNode(["out/main.js"], app.dir)).stdout).toContain(
      "sent to ada@example.com: Hello",
    );
  });

  it("fails the build with the generator's code and an esbuild location", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);

    const failure = await esbuild.build(buildOptions([elarionPlugin()])).then(
      () => undefined,
      (error: esbuild.BuildFailure) => error,
    );

    expect(failure?.errors.map((message) => message.text.slice(0, 8))).toContain("ELG001: ");
    expect(failure?.errors.filter((message) => !message.text.startsWith("ELG"))).toEqual([]);
    const error = failure?.errors.find((message) => message.text.startsWith("ELG001: "));
    expect(error?.pluginName).toBe("elarion");
    const location = error?.location;
    expect(DUPLICATE_JOB_FILE.esbuildLocation.files).toContain(location?.file);
    expect(DUPLICATE_JOB_FILE.esbuildLocation.lines).toContain(location?.line);
    expect(location?.lineText).toContain("@ScheduledJob(");
    expect(location?.lineText.slice(location.column)).toMatch(
      /^"emails\.send"|^@ScheduledJob|^ScheduledJob/,
    );
  });

  it('fails with ELG033 when esbuild would keep decorator syntax (no target: esnext), naming target: "node20"', async () => {
    app = copyFixtureApp("jobs-app");
    const { target: _target, ...withoutTarget } = buildOptions([elarionPlugin()]);

    const failure = await esbuild.build(withoutTarget).then(
      () => undefined,
      (error: esbuild.BuildFailure) => error,
    );

    const error = failure?.errors.find((message) => message.text.startsWith("ELG033: "));
    expect(error?.text).toContain("esbuild's target is esnext");
    expect(error?.text).toContain('target: "node20"');
    expect(error?.text).toContain('"experimentalDecorators": true');
    // What the diagnostic prevents: without the plugin the same build writes `@ScheduledJob(...)` as it is.
    const unchecked = await esbuild.build({ ...withoutTarget, plugins: [], write: false });
    expect(unchecked.outputFiles[0]?.text).toMatch(/^\s*@ScheduledJob\(/m);
  });

  it("accepts an esnext target when the tsconfig esbuild reads turns on experimentalDecorators, and the bundle runs", async () => {
    app = copyFixtureApp("jobs-app");
    const { target: _target, ...withoutTarget } = buildOptions([elarionPlugin()]);

    const result = await esbuild.build({
      ...withoutTarget,
      target: "esnext",
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    });

    expect(result.errors).toEqual([]);
    expect((await runNode(["out/main.js"], app.dir)).stdout).toContain(
      "jobs: billing.daily, emails.send",
    );
  });

  it("reports a generator warning as an esbuild warning with its location, and the build succeeds", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DATE_PAYLOAD_JOB_FILE.path, DATE_PAYLOAD_JOB_FILE.text);

    const result = await esbuild.build(buildOptions([elarionPlugin()]));

    expect(result.errors).toEqual([]);
    const warning = result.warnings.find((message) => message.text.startsWith("ELG015: "));
    expect(warning?.location?.file).toBe(DATE_PAYLOAD_JOB_FILE.path);
    expect(warning?.location?.lineText).toBe(
      DATE_PAYLOAD_JOB_FILE.text.split("\n")[(warning?.location?.line ?? 0) - 1],
    );
    expect(app.read("src/jobs.generated.ts")).toContain("ReminderJob");
  });

  it("hands esbuild the tsconfig, every consulted file, the project files and their directories as watch inputs", async () => {
    app = copyFixtureApp("jobs-app");
    let onStart: (() => unknown) | undefined;
    let onLoad: ((args: { path: string }) => esbuild.OnLoadResult) | undefined;
    let filter: RegExp | undefined;
    let onResolve:
      | ((args: { path: string; resolveDir: string }) => esbuild.OnResolveResult | undefined)
      | undefined;
    let resolveFilter: RegExp | undefined;
    const recordingBuild = {
      initialOptions: { absWorkingDir: app.dir, target: "node20" },
      onStart: (callback: () => unknown) => (onStart = callback),
      onResolve: (options: { filter: RegExp }, callback: typeof onResolve) => {
        resolveFilter = options.filter;
        onResolve = callback;
      },
      onLoad: (
        options: { filter: RegExp },
        callback: (args: { path: string }) => esbuild.OnLoadResult,
      ) => {
        filter = options.filter;
        onLoad = callback;
      },
    };
    await elarionPlugin().setup(recordingBuild as unknown as esbuild.PluginBuild);

    expect(onStart?.()).toEqual({ errors: [], warnings: [] });
    expect(filter?.test(app.registryFile)).toBe(true);
    expect(filter?.test(app.descriptorsFile)).toBe(true);
    expect(filter?.test(app.path("src/main.ts"))).toBe(false);
    expect(resolveFilter?.test("./jobs.generated.js")).toBe(true);
    expect(resolveFilter?.test("./jobs.generated.descriptors.js")).toBe(true);
    expect(resolveFilter?.test("./mailer.js")).toBe(false);
    const resolved = onResolve?.({ path: "./jobs.generated.js", resolveDir: app.path("src") });
    expect(resolved?.path).toBe(app.registryFile);
    expect(resolved?.watchFiles).toContain(app.path("tsconfig.json"));
    expect(
      onResolve?.({ path: "../jobs.generated.js", resolveDir: app.path("src/jobs") })?.path,
    ).toBe(app.registryFile);
    expect(
      onResolve?.({ path: "./jobs.generated.js", resolveDir: app.path("src/jobs") }),
    ).toBeUndefined();
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
    expect(loaded?.watchDirs).toEqual(
      expect.arrayContaining([app.path("src"), app.path("src/jobs")]),
    );
  });

  it("in context().watch(), regenerates when a job file is added and when a decorator argument changes", async () => {
    app = copyFixtureApp("jobs-app");
    const bundleHas = (text: string): boolean =>
      fs.existsSync(app.path("out/main.js")) && app.read("out/main.js").includes(text);

    const buildEnds = watchBuildEnds();
    context = await esbuild.context(buildOptions([elarionPlugin(), buildEnds.plugin]));
    const firstBuild = buildEnds.until("the first build", () => bundleHas('"emails.send"'));
    await context.watch();
    await firstBuild;

    app.write("src/jobs/weekly-report-job.ts", newJobFile("reports.weekly", "WeeklyReportJob"));
    await buildEnds.until("a rebuild with the new job", () => bundleHas('"reports.weekly"'));
    expect(app.read("src/jobs.generated.ts")).toContain("WeeklyReportJob");

    app.write(
      "src/jobs/billing.ts",
      app.read("src/jobs/billing.ts").replace('"billing.daily"', '"billing.nightly"'),
    );
    await buildEnds.until("a rebuild with the changed decorator argument", () =>
      bundleHas('"billing.nightly"'),
    );
    expect(app.read("src/jobs.generated.descriptors.ts")).not.toContain('"billing.daily"');
  }, 120_000);

  it("in context().watch(), a clean checkout with a generator error reports just that error, and fixing it rebuilds", async () => {
    app = copyFixtureApp("jobs-app");
    app.write(DUPLICATE_JOB_FILE.path, DUPLICATE_JOB_FILE.text);
    const buildEnds = watchBuildEnds();

    context = await esbuild.context(buildOptions([elarionPlugin(), buildEnds.plugin]));
    const failedBuild = buildEnds.until(
      "the failing first build",
      (result) => result.errors.length > 0,
    );
    await context.watch();
    await failedBuild;

    fs.rmSync(app.path(DUPLICATE_JOB_FILE.path));
    await buildEnds.until(
      "a successful rebuild after the fix",
      (result) => result.errors.length === 0,
    );
    expect(app.read("src/jobs.generated.ts")).toContain("SendEmailJob");
    expect(app.read("out/main.js")).toContain('"emails.send"');
  }, 120_000);
});
