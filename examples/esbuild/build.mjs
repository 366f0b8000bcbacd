// Bundles the app with esbuild. The Elarion plugin runs the generator at the start of every build
// (and every rebuild in watch mode), so src/jobs.generated.ts is always current; esbuild itself only
// strips types, which is why no tsc appears anywhere in this build.
import { build } from "esbuild";
import { elarionPlugin } from "@elarion/generator/esbuild";

try {
  await build({
    entryPoints: ["src/main.ts"],
    outfile: "dist/main.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    logLevel: "warning",
    plugins: [elarionPlugin({ tsconfig: "tsconfig.json" })],
  });
  console.log("example-esbuild: bundled src/main.ts -> dist/main.js");
} catch {
  // esbuild has already printed each error with its file and line.
  process.exitCode = 1;
}
