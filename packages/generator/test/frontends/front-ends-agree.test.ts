import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as esbuild from "esbuild";
// The built package, like the CLI and tspc in these tests: all three front ends run the same build.
import { elarionPlugin } from "../../dist/esbuild.js";
import { requireBuiltGenerator } from "./support/built-package.js";
import { copyFixtureApp, type FixtureApp } from "./support/fixture-app.js";
import { elarionGenBin, runNode, tspcBin } from "./support/processes.js";

describe("the three front ends", () => {
  const apps: FixtureApp[] = [];

  beforeAll(requireBuiltGenerator);
  afterEach(() => {
    for (const app of apps.splice(0)) app.remove();
  });

  it("write byte-identical registries and descriptors for the same project", async () => {
    const [viaCli, viaTransformer, viaEsbuild] = ["cli", "transformer", "esbuild"].map(() =>
      copyFixtureApp("jobs-app"),
    );
    apps.push(viaCli!, viaTransformer!, viaEsbuild!);

    expect((await runNode([elarionGenBin], viaCli!.dir)).code).toBe(0);
    expect((await runNode([tspcBin, "-p", "tsconfig.json"], viaTransformer!.dir)).code).toBe(0);
    await esbuild.build({
      absWorkingDir: viaEsbuild!.dir,
      entryPoints: ["src/main.ts"],
      outfile: "out/main.js",
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      logLevel: "silent",
      plugins: [elarionPlugin()],
    });

    const registries = [viaCli, viaTransformer, viaEsbuild].map((app) =>
      app!.read("src/jobs.generated.ts"),
    );
    const descriptors = [viaCli, viaTransformer, viaEsbuild].map((app) =>
      app!.read("src/jobs.generated.descriptors.ts"),
    );
    expect(registries[0]).toContain("SendEmailJob");
    expect(registries[1]).toBe(registries[0]);
    expect(registries[2]).toBe(registries[0]);
    expect(descriptors[0]).toContain('"billing.daily"');
    expect(descriptors[1]).toBe(descriptors[0]);
    expect(descriptors[2]).toBe(descriptors[0]);
  }, 120_000);
});
