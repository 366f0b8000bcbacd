import { describe, expect, it } from "vitest";
import { relativeModuleSpecifier } from "../../src/printer/module-specifier.js";

describe("relative import specifiers follow the program's module resolution", () => {
  it.each([
    ["js", "/app/src/jobs/send.ts", "./jobs/send.js"],
    ["js", "/app/src/jobs/view.tsx", "./jobs/view.js"],
    ["js", "/app/src/jobs/esm.mts", "./jobs/esm.mjs"],
    ["js", "/app/src/types.d.ts", "./types.js"],
    ["js", "/app/lib/shared.ts", "../lib/shared.js"],
    ["none", "/app/src/jobs/index.ts", "./jobs/index"],
    ["ts", "/app/src/jobs/send.ts", "./jobs/send.ts"],
    ["ts", "/app/src/jobs/esm.mts", "./jobs/esm.mts"],
  ] as const)("%s style imports %s as %s", (style, target, expected) => {
    expect(relativeModuleSpecifier("/app/src/jobs.generated.ts", target, style)).toBe(expected);
  });
});
