import { elarionUnplugin } from "./frontends/elarion-unplugin.js";

export type { ElarionPluginOptions } from "./frontends/bundler-generation.js";

/**
 * Rollup plugin: regenerates the Elarion job registry at the start of every build and in watch
 * mode, and fails the build on a generator error with its file, line and column — the same
 * output as the esbuild plugin, the CLI and the ts-patch transformer.
 *
 * @example
 * ```ts
 * import typescript from "@rollup/plugin-typescript";
 * import { elarion } from "@elarion/generator/rollup";
 *
 * export default { input: "src/main.ts", output: { dir: "dist", format: "esm" }, plugins: [elarion(), typescript()] };
 * ```
 */
export const elarion = elarionUnplugin.rollup;

export default elarion;
