import { describe, expect, it } from "vitest";
import { compileReadmeBlocks } from "./compile-readme-blocks.js";
import { parseReadmeBlocks } from "./readme-blocks.js";

const markdown = [
  "# Title",
  "",
  '<!-- readme-check: file=examples/email/src/readme-harness-good.ts prelude="declare const seconds: number;" -->',
  "```ts",
  'import { resiliencePolicy } from "@elarion/runtime";',
  'export const quick = resiliencePolicy("quick", { delay: seconds * 1000 });',
  "```",
  "",
  "<!-- readme-check: file=examples/email/src/readme-harness-bad.ts -->",
  "",
  "```ts",
  'import { resiliencePolicy } from "@elarion/runtime";',
  "",
  'export const odd = resiliencePolicy("odd", { backoff: "cubic" });',
  "```",
].join("\n");

describe("the README block compiler", () => {
  it("reads each block's language, first line and readme-check attributes", () => {
    const blocks = parseReadmeBlocks(markdown);
    expect(blocks.map((block) => [block.language, block.line, block.check?.["file"]])).toEqual([
      ["ts", 5, "examples/email/src/readme-harness-good.ts"],
      ["ts", 12, "examples/email/src/readme-harness-bad.ts"],
    ]);
    expect(blocks[0]?.check?.["prelude"]).toBe("declare const seconds: number;");
  });

  it("accepts a correct block with its prelude and reports a wrong one at its README line", () => {
    const errors = compileReadmeBlocks(parseReadmeBlocks(markdown));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.readmeLine).toBe(14);
    expect(errors[0]?.message).toMatch(/TS2322.*"cubic"/s);
  }, 60_000);

  it("refuses a ts block that does not say where it belongs", () => {
    expect(() => compileReadmeBlocks(parseReadmeBlocks("```ts\nconst x = 1;\n```"))).toThrow(
      /readme-check: file=/,
    );
  });
});
