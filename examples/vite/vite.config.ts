// Vite builds the app for Node (an SSR build of src/main.ts) and Vitest runs its specs; both load
// the Elarion plugin, which regenerates src/jobs.generated.ts at the start of every build, dev
// server and test run, so neither needs tspc or a separate `elarion-gen` step.
import { elarion } from "@elarion/generator/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [elarion({ tsconfig: "tsconfig.json" })],
  build: {
    ssr: "src/main.ts",
    outDir: "dist",
    target: "node20",
    emptyOutDir: true,
  },
  test: {
    include: ["spec/**/*.spec.ts"],
  },
});
