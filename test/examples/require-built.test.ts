import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const guard = fileURLToPath(new URL("../../examples/require-built.mjs", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-not-built-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("starting an example before building it", () => {
  it("prints one line naming the missing file and the build command, and exits 1", () => {
    const exampleDirectory = join(scratch, "email");
    mkdirSync(exampleDirectory);
    const result = spawnSync(process.execPath, ["--import", guard, "dist/main.js"], {
      cwd: exampleDirectory,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("dist/main.js does not exist");
    expect(lines[0]).toContain("--filter example-email run build");
  });
});
