import type { OnLoadResult, PartialMessage, Plugin } from "esbuild";
import { DIAGNOSTICS, formatMessage } from "./diagnostics/index.js";
import {
  BundlerGeneration,
  type BundlerMessage,
  type ElarionPluginOptions,
} from "./frontends/bundler-generation.js";
import { esbuildDecoratorProblem } from "./frontends/esbuild-decorators.js";

export type { ElarionPluginOptions } from "./frontends/bundler-generation.js";

/**
 * esbuild plugin that regenerates the Elarion job registry at the start of every build (and every
 * rebuild of `context().watch()` / `rebuild()`), reports generator findings as esbuild errors and
 * warnings with their locations (and, as ELG033, build options that would leave decorator syntax
 * in the output: set `target`, e.g. `"node20"`), and hands esbuild every file the generator consulted (and the
 * tsconfig, the project's source files and their directories) as watch files, so a changed job or
 * a new job file triggers a rebuild that regenerates.
 *
 * @example
 * ```ts
 * import { build } from "esbuild";
 * import { elarionPlugin } from "@elarion/generator/esbuild";
 *
 * await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", target: "node20", outdir: "dist",
 *   plugins: [elarionPlugin({ tsconfig: "tsconfig.json" })] });
 * ```
 */
export function elarionPlugin(pluginOptions: ElarionPluginOptions = {}): Plugin {
  return {
    name: "elarion",
    setup(build) {
      const generation = new BundlerGeneration(
        pluginOptions,
        build.initialOptions.absWorkingDir ?? process.cwd(),
      );

      build.onStart(() => {
        const report = generation.regenerate();
        const errors = report.errors.map(toPartialMessage);
        // esbuild, not the tsconfig, decides how decorators are emitted (the tsc check is off for bundlers).
        const compilerOptions = generation.compilerOptions();
        const decorators =
          compilerOptions === null || generation.jobCount === 0
            ? null
            : esbuildDecoratorProblem(build.initialOptions, compilerOptions);
        if (decorators !== null) {
          errors.push({
            text: `${DIAGNOSTICS.nativeDecoratorEmit.code}: ${formatMessage("nativeDecoratorEmit", [decorators.reason, decorators.fix])}`,
          });
        }
        return { errors, warnings: report.warnings.map(toPartialMessage) };
      });

      if (generation.configError !== null) return;
      const watchInputs = () => ({
        watchFiles: generation.watchFiles(),
        watchDirs: generation.watchDirectories(),
      });

      // Resolve imports of the generated modules ourselves: on a clean checkout whose jobs have
      // errors nothing is written, yet esbuild must still learn the watch inputs (so fixing the
      // error rebuilds) and should report the generator's errors rather than "could not resolve".
      build.onResolve({ filter: generation.specifierFilter }, (args) => {
        const generated = generation.resolve(args.path, args.resolveDir);
        return generated === undefined ? undefined : { path: generated, ...watchInputs() };
      });
      build.onLoad(
        { filter: generation.pathsFilter },
        (args): OnLoadResult => ({
          contents: generation.text(args.path),
          loader: "ts",
          ...watchInputs(),
        }),
      );
    },
  };
}

export default elarionPlugin;

function toPartialMessage(message: BundlerMessage): PartialMessage {
  return message.location === undefined
    ? { text: message.text }
    : { text: message.text, location: { ...message.location } };
}
