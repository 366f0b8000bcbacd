import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliArguments } from "../../src/frontends/cli-arguments.js";

describe("parseCliArguments", () => {
  it("defaults to one generation of ./tsconfig.json", () => {
    expect(parseCliArguments([])).toEqual({
      mode: "generate",
      project: undefined,
      outFile: undefined,
    });
  });

  it("reads the project, the output path and one mode", () => {
    expect(parseCliArguments(["-p", "app", "--out", "gen/jobs.ts", "--check"])).toEqual({
      mode: "check",
      project: "app",
      outFile: "gen/jobs.ts",
    });
    expect(parseCliArguments(["--project=app/tsconfig.json", "--watch"]).mode).toBe("watch");
    expect(parseCliArguments(["--init"]).mode).toBe("init");
    expect(parseCliArguments(["--check", "-h"]).mode).toBe("help");
  });

  it("rejects two modes at once, naming both", () => {
    expect(() => parseCliArguments(["--watch", "--check"])).toThrow(
      new CliUsageError("--watch and --check cannot be combined; pick one."),
    );
  });

  it("rejects unknown flags, stray arguments and missing values", () => {
    expect(() => parseCliArguments(["--chek"])).toThrow(/--chek/);
    expect(() => parseCliArguments(["tsconfig.json"])).toThrow(CliUsageError);
    expect(() => parseCliArguments(["-p"])).toThrow(/-p/);
    expect(() => parseCliArguments(["--out", " "])).toThrow("--out needs a non-empty path.");
  });
});
