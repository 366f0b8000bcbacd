import { elarionUnplugin } from "./frontends/elarion-unplugin.js";

export type { ElarionPluginOptions } from "./frontends/bundler-generation.js";

/**
 * Vite plugin: regenerates the Elarion job registry at the start of every build and in watch
 * mode, and fails the build on a generator error with its file, line and column — the same
 * output as the esbuild plugin, the CLI and the ts-patch transformer.
 *
 * @example
 * ```ts
 * import { defineConfig } from "vite";
 * import { elarion } from "@elarion/generator/vite";
 *
 * export default defineConfig({ plugins: [elarion({ tsconfig: "tsconfig.json" })] }); // vite.config.ts, also used by Vitest
 * ```
 */
export const elarion = elarionUnplugin.vite;

export default elarion;
