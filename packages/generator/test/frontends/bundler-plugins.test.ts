import { beforeAll, describe, expect, it } from "vitest";
import { requireBuiltGenerator } from "./support/built-package.js";

// The Vite plugin is exercised end to end by examples/vite (vite build, Vitest); these check that
// every unplugin entry the package exports loads and builds a plugin for its bundler, without
// that bundler installed (users install only the one they use).
describe("@elarion/generator/vite, /rollup, /webpack, /rspack", () => {
  beforeAll(requireBuiltGenerator);

  it.each(["vite", "rollup"])(
    "%s: a Rollup-style plugin named elarion that generates at buildStart and serves the registry",
    async (entry) => {
      const module = (await import(`../../dist/${entry}.js`)) as {
        elarion: (options?: object) => Record<string, unknown>;
        default: unknown;
      };
      expect(module.default).toBe(module.elarion);
      const plugin = module.elarion({ tsconfig: "tsconfig.json" });
      expect(plugin["name"]).toBe("elarion");
      for (const hook of ["buildStart", "resolveId", "load", "watchChange"])
        expect(plugin[hook], hook).toBeDefined();
    },
  );

  it.each(["webpack", "rspack"])("%s: a compiler plugin (an object with apply)", async (entry) => {
    const module = (await import(`../../dist/${entry}.js`)) as {
      elarion: (options?: object) => { apply?: unknown };
    };
    expect(typeof module.elarion({ tsconfig: "tsconfig.json" }).apply).toBe("function");
  });
});
