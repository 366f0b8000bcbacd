import fs from "node:fs";
import path from "node:path";
import { generatorPackageDir } from "./fixture-app.js";

/** The front-end tests run the built package, as users do; fail with what to do when it is not built. */
export function requireBuiltGenerator(): void {
  for (const file of ["dist/cli.js", "dist/transformer.cjs", "dist/esbuild.js"]) {
    if (!fs.existsSync(path.join(generatorPackageDir, file))) {
      throw new Error(
        `packages/generator/${file} is missing: run \`npx pnpm@10.34.9 build\` before these tests.`,
      );
    }
  }
}
