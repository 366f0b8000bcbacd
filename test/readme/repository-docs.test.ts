import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { linkTargetExists, relativeLinks } from "./markdown-links.js";
import { repositoryRoot } from "./readme-blocks.js";

/** Every file git tracks (or would add), so the checks see what a clone has. */
const trackedFiles = execFileSync(
  "git",
  ["ls-files", "--cached", "--others", "--exclude-standard"],
  { cwd: repositoryRoot, encoding: "utf8" },
)
  .split("\n")
  .filter((file) => file !== "" && !file.includes("node_modules/"));

describe("the repository's own docs", () => {
  it("has the docs the code points at", () => {
    expect(trackedFiles).toEqual(
      expect.arrayContaining(["docs/semantics.md", "docs/postgres.md", "docs/architecture.md"]),
    );
  });

  it("gives every example and every package a README", () => {
    const folders = [
      ...new Set(
        trackedFiles
          .filter((file) => /^(examples|packages)\/[^/]+\/package\.json$/.test(file))
          .map((file) => file.slice(0, -"package.json".length)),
      ),
    ];
    expect(folders.length).toBeGreaterThanOrEqual(6);
    expect(folders.filter((folder) => !trackedFiles.includes(`${folder}README.md`))).toEqual([]);
  });

  it("links, in every markdown file, only to files that exist and to headings they have", () => {
    const broken = trackedFiles
      .filter((file) => file.endsWith(".md"))
      .flatMap((file) =>
        relativeLinks(readFileSync(resolve(repositoryRoot, file), "utf8")).map((link) => ({
          file,
          link,
        })),
      )
      .filter(({ file, link }) => !linkTargetExists(resolve(repositoryRoot, file), link))
      .map(({ file, link }) => `${file}: ${link}`);
    expect(broken).toEqual([]);
  });

  it("never refers to a design document outside the repository", () => {
    const outside = /\.\.\/shared\b|\/work\/shared|DESIGN(\.md| ?§)/;
    const offending = trackedFiles
      .filter(
        (file) => /\.(ts|mts|cts|js|mjs|cjs|md|json|sql|sh)$/.test(file) || file === ".ci/run",
      )
      .filter((file) => file !== "test/readme/repository-docs.test.ts")
      .filter((file) => outside.test(readFileSync(resolve(repositoryRoot, file), "utf8")));
    expect(offending).toEqual([]);
  });
});
