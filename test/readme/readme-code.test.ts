import ts from "typescript";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileReadmeBlocks } from "./compile-readme-blocks.js";
import { linkTargetExists, relativeLinks } from "./markdown-links.js";
import { parseReadmeBlocks, readReadme, repositoryRoot } from "./readme-blocks.js";

const blocks = parseReadmeBlocks(readReadme());

describe("README.md", () => {
  it("opens with exactly the two commands a fresh machine needs, and .ci/run runs both", () => {
    const commands = blocks.slice(0, 2).map((block) => block.code);
    expect(commands).toEqual([
      "npx --yes pnpm@10.34.9 install && npx --yes pnpm@10.34.9 example",
      "npx --yes pnpm@10.34.9 test",
    ]);
    const ci = readFileSync(resolve(repositoryRoot, ".ci/run"), "utf8");
    for (const command of commands) expect(ci).toContain(`"${command}"`);
  });

  it("type-checks every ts block under strict flags against the built packages and the examples", () => {
    const tsBlocks = blocks.filter((block) => block.language === "ts");
    expect(tsBlocks.length).toBeGreaterThanOrEqual(8);
    const errors = compileReadmeBlocks(tsBlocks).map(
      (error) => `README.md:${error.readmeLine}: ${error.message}`,
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it("shows the transformer entry exactly as the email example's tsconfig.json has it", () => {
    const pluginBlocks = blocks.filter(
      (block) => block.check?.["tsconfig-plugin-of"] !== undefined,
    );
    expect(pluginBlocks.length).toBeGreaterThan(0);
    for (const block of pluginBlocks) {
      const tsconfigPath = resolve(repositoryRoot, block.check?.["tsconfig-plugin-of"] ?? "");
      const actual = ts.parseConfigFileTextToJson(tsconfigPath, readFileSync(tsconfigPath, "utf8"));
      const shown = ts.parseConfigFileTextToJson("README.md", block.code);
      expect(shown.error).toBeUndefined();
      expect(shown.config.compilerOptions.plugins).toEqual(actual.config.compilerOptions.plugins);
    }
  });

  it("links only to files that exist, and to headings those files have", () => {
    const links = relativeLinks(readReadme());
    expect(links.length).toBeGreaterThan(0);
    const missing = links.filter(
      (link) => !linkTargetExists(resolve(repositoryRoot, "README.md"), link),
    );
    expect(missing).toEqual([]);
  });
});
