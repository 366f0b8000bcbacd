import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readmeDiagnosticsTable, renderDiagnosticsTable, withDiagnosticsTable } from "./diagnostics-table.js";
import { readReadme, repositoryRoot } from "./readme-blocks.js";

describe("the README's diagnostics table", () => {
  it("lists exactly the generator's codes, severities and messages", () => {
    const readme = readReadme();
    const expected = renderDiagnosticsTable();
    if (process.env["ELARION_UPDATE_README"] === "1") {
      // Explicit opt-in only (like a snapshot update); a normal run compares and never writes.
      writeFileSync(`${repositoryRoot}README.md`, withDiagnosticsTable(readme, expected));
      return;
    }
    expect(readmeDiagnosticsTable(readme), "run ELARION_UPDATE_README=1 npx vitest run test/readme/readme-diagnostics.test.ts").toBe(expected);
    expect(expected).toMatch(/\| ELG001 \| error \|/);
  });
});
