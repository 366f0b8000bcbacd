import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../../packages/generator/src/diagnostics/diagnostic-table.js";
import {
  WHAT_IT_CATCHES,
  readmeDiagnosticsTable,
  renderDiagnosticsTable,
  withDiagnosticsTable,
} from "./diagnostics-table.js";
import { readReadme, repositoryRoot } from "./readme-blocks.js";

describe("the README's diagnostics table", () => {
  it("lists exactly the generator's codes and severities", () => {
    const readme = readReadme();
    const expected = renderDiagnosticsTable();
    if (process.env["ELARION_UPDATE_README"] === "1") {
      // Explicit opt-in only (like a snapshot update); a normal run compares and never writes.
      writeFileSync(`${repositoryRoot}README.md`, withDiagnosticsTable(readme, expected));
      return;
    }
    expect(
      readmeDiagnosticsTable(readme),
      "run ELARION_UPDATE_README=1 npx vitest run test/readme/readme-diagnostics.test.ts",
    ).toBe(expected);
    expect(expected).toMatch(/\| ELG001 \| error \|/);
  });

  it("has a description for every code and none for codes the generator does not have", () => {
    const codes = Object.values(DIAGNOSTICS)
      .map((diagnostic) => diagnostic.code)
      .sort();
    expect(Object.keys(WHAT_IT_CATCHES).sort()).toEqual(codes);
  });
});
