import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const exampleDirectory = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Private copies of the example (sources and config, node_modules linked) under one temp
 * directory, so tests can build or break them without touching the real example.
 */
export function exampleCopies(prefix: string): { copy(name: string): string; dispose(): void } {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  return {
    copy(name) {
      const directory = join(scratch, name);
      for (const entry of ["package.json", "tsconfig.json", "src"]) {
        cpSync(join(exampleDirectory, entry), join(directory, entry), { recursive: true });
      }
      symlinkSync(join(exampleDirectory, "node_modules"), join(directory, "node_modules"), "dir");
      return directory;
    },
    dispose() {
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
