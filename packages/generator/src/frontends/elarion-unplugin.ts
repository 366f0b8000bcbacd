import path from "node:path";
import {
  createUnplugin,
  type UnpluginBuildContext,
  type UnpluginContext,
  type UnpluginInstance,
} from "unplugin";
import {
  BundlerGeneration,
  type BundlerReport,
  type ElarionPluginOptions,
} from "./bundler-generation.js";

/**
 * The Vite, Rollup, webpack and Rspack plugins: one unplugin over the esbuild plugin's logic
 * ({@link BundlerGeneration}). At the start of every build (and of `vite`'s dev server and
 * Vitest) it regenerates the registry, fails the build on a generator error with the CLI's
 * `file:line:col - error ELGnnn: ...` lines, and prints warnings; imports of the generated modules
 * are served from the latest generation, and a change to a project file in watch mode
 * regenerates, so a Vitest run never sees a stale registry and needs no tspc.
 */
export const elarionUnplugin: UnpluginInstance<ElarionPluginOptions | undefined, false> =
  createUnplugin((pluginOptions: ElarionPluginOptions | undefined) => {
    let generation: BundlerGeneration | undefined;
    /** Vite and Rollup know their root only once configured; webpack and Rspack start in the cwd. */
    let root = process.cwd();
    const current = (): BundlerGeneration =>
      (generation ??= new BundlerGeneration(pluginOptions ?? {}, root));

    const report = (
      context: UnpluginBuildContext & Partial<UnpluginContext>,
      result: BundlerReport,
    ): void => {
      for (const file of current().watchFiles()) context.addWatchFile(file);
      for (const warning of result.warnings)
        (context.warn ?? console.warn)(`[elarion] ${warning.formatted}`);
      if (result.errors.length > 0) {
        const message = `elarion: the job registry was not generated:\n${result.errors.map((error) => error.formatted).join("\n")}`;
        if (context.error !== undefined) context.error(message);
        throw new Error(message);
      }
    };

    return {
      name: "elarion",
      enforce: "pre",
      vite: {
        configResolved(config) {
          root = config.root;
        },
      },
      buildStart() {
        report(this, current().regenerate());
      },
      resolveId(specifier, importer) {
        const generated = current();
        if (generated.configError !== null || !generated.specifierFilter.test(specifier))
          return null;
        return (
          generated.resolve(
            specifier,
            importer === undefined ? generated.cwd : path.dirname(importer),
          ) ?? null
        );
      },
      loadInclude(id) {
        return current().generatedPaths.includes(path.resolve(id));
      },
      load(id) {
        const generated = current();
        const file = path.resolve(id);
        if (!generated.generatedPaths.includes(file)) return null;
        // A module runner (Vitest) may load before any buildStart of its environment.
        if (!generated.hasGenerated) report(this, generated.regenerate());
        return generated.text(file);
      },
      watchChange(id) {
        const generated = current();
        if (!generated.hasGenerated || !generated.isProjectInput(id)) return;
        // Errors are reported by the next buildStart; here only keep the files on disk current.
        generated.regenerate();
      },
    };
  });
