import { elarionUnplugin } from "./frontends/elarion-unplugin.js";

export type { ElarionPluginOptions } from "./frontends/bundler-generation.js";

/**
 * Webpack plugin: regenerates the Elarion job registry at the start of every build and in watch
 * mode, and fails the build on a generator error with its file, line and column — the same
 * output as the esbuild plugin, the CLI and the ts-patch transformer.
 *
 * @example
 * ```ts
 * const { elarion } = await import("@elarion/generator/webpack");
 *
 * export default { entry: "./src/main.ts", target: "node", plugins: [elarion({ tsconfig: "tsconfig.json" })] }; // plus a .ts loader
 * ```
 */
export const elarion = elarionUnplugin.webpack;

export default elarion;
