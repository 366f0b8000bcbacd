import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltGenerator } from "../../packages/generator/test/frontends/support/built-package.js";
import {
  copyFixtureApp,
  type FixtureApp,
} from "../../packages/generator/test/frontends/support/fixture-app.js";
import { runNode, tspcBin } from "../../packages/generator/test/frontends/support/processes.js";
import { parseReadmeBlocks, readReadme } from "./readme-blocks.js";

// The README's set-up blocks are run, not only parsed: a small app (a job class with a dependency,
// a recurring method, a policy) is built with the README's complete tsconfig.json and, separately,
// with its esbuild call, and each build's output must run on this Node.js.

const blocks = parseReadmeBlocks(readReadme());

function blockMarked(attribute: string): string {
  const marked = blocks.filter((block) => block.check?.[attribute] === "true");
  expect(marked, `exactly one README block marked ${attribute}=true`).toHaveLength(1);
  return marked[0]!.code;
}

describe("README set-up blocks build an app that runs", () => {
  let app: FixtureApp | undefined;

  beforeAll(requireBuiltGenerator);
  afterEach(() => {
    app?.remove();
    app = undefined;
  });

  it("the complete tsconfig.json builds with tspc, and node runs the output", async () => {
    app = copyFixtureApp("jobs-app");
    app.write("tsconfig.json", blockMarked("app-tsconfig"));

    const build = await runNode([tspcBin, "-p", "tsconfig.json", "--pretty", "false"], app.dir);
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);

    const run = await runNode(["dist/main.js"], app.dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("jobs: billing.daily, emails.send");
    expect(run.stdout).toContain("sent to ada@example.com: Hello");
  }, 120_000);

  it("the esbuild build call bundles the app, and node runs the bundle", async () => {
    app = copyFixtureApp("jobs-app");
    // The block is plain JavaScript as well as TypeScript: run it as the app's build script.
    app.write("build.mjs", blockMarked("app-build"));

    const build = await runNode(["build.mjs"], app.dir);
    expect(build.stderr).toBe("");
    expect(build.code).toBe(0);

    const run = await runNode(["dist/main.js"], app.dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("sent to ada@example.com: Hello");
  }, 120_000);
});
