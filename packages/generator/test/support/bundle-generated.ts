import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { GenerationResult } from "../../src/generate.js";
import { FIXTURES_DIRECTORY } from "./fixture-program.js";

const RUNTIME_ENTRY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../runtime/dist/index.js",
);

/**
 * Copies a fixture and its generated modules to a temporary directory, bundles `entry` (a module of
 * the fixture, relative to its directory) with esbuild and imports the bundle, so a test can call
 * the generated delegates for real. The temporary directory is removed afterwards.
 */
export async function importBundledFixture<T>(
  fixture: string,
  result: GenerationResult,
  entry: string,
): Promise<T> {
  const fixtureDirectory = path.join(FIXTURES_DIRECTORY, fixture);
  const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), `elarion-gen-${fixture}-`));
  try {
    fs.cpSync(fixtureDirectory, workDirectory, {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}expected`),
    });
    for (const file of result.files) {
      const target = path.join(workDirectory, path.relative(fixtureDirectory, file.path));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.text);
    }
    const outfile = path.join(workDirectory, "bundle.mjs");
    await build({
      entryPoints: [path.join(workDirectory, entry)],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile,
      alias: { "@elarion/runtime": RUNTIME_ENTRY },
      tsconfig: path.join(workDirectory, "tsconfig.json"),
      logLevel: "silent",
    });
    return (await import(pathToFileURL(outfile).href)) as T;
  } finally {
    fs.rmSync(workDirectory, { recursive: true, force: true });
  }
}
