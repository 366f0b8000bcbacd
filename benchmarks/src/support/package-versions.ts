import { readFileSync } from "node:fs";
import path from "node:path";

/** The installed version of each package, read from benchmarks/node_modules. */
export function installedVersions(
  benchmarksRoot: string,
  names: readonly string[],
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of names) {
    try {
      const manifest = JSON.parse(
        readFileSync(path.join(benchmarksRoot, "node_modules", name, "package.json"), "utf8"),
      ) as { version?: string };
      versions[name] = manifest.version ?? "unknown";
    } catch {
      versions[name] = "not installed (run `npx pnpm@10.34.9 install`)";
    }
  }
  return versions;
}
