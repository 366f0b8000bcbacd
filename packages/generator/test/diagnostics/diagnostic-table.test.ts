import { describe, expect, it } from "vitest";
import {
  DIAGNOSTICS,
  fileDiagnostic,
  formatDiagnostic,
  formatMessage,
} from "../../src/diagnostics/index.js";

describe("the diagnostics table", () => {
  it("gives every diagnostic a distinct ELG code, numbered without gaps", () => {
    const codes = Object.values(DIAGNOSTICS).map((row) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(codes.map((_, index) => `ELG${String(index + 1).padStart(3, "0")}`));
  });

  it("fills message placeholders in order", () => {
    expect(formatMessage("invalidTimeZone", ["Mars/Olympus"])).toBe(
      'Unknown time zone "Mars/Olympus". Use an IANA time zone id such as "UTC" or "Europe/Vienna".',
    );
  });
});

describe("formatDiagnostic", () => {
  it("prints path:line:column, category and code relative to the working directory", () => {
    const diagnostic = fileDiagnostic("staleArtifact", "/app/src/jobs.generated.ts", [
      "src/jobs.generated.ts",
    ]);
    expect(formatDiagnostic(diagnostic, "/app")).toBe(
      "src/jobs.generated.ts:1:1 - error ELG030: src/jobs.generated.ts is stale: it differs from what the generator produces now. Run elarion-gen (or build with the transformer) and commit the result.",
    );
  });
});
