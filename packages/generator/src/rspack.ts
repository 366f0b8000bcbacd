import { elarionUnplugin } from "./frontends/elarion-unplugin.js";

export type { ElarionPluginOptions } from "./frontends/bundler-generation.js";

/**
 * Rspack plugin: regenerates the Elarion job registry at the start of every build and in watch
 * mode, and fails the build on a generator error with its file, line and column — the same
 * output as the esbuild plugin, the CLI and the ts-patch transformer.
 *
 * @example
 * ```ts
 * import { elarion } from "@elarion/generator/rspack";
 *
 * export default { entry: "./src/main.ts", target: "node", plugins: [elarion({ tsconfig: "tsconfig.json" })] };
 * ```
 */
export const elarion = elarionUnplugin.rspack;

export default elarion;
