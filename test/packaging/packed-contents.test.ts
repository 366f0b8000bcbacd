import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without declarations
import { packTarballs } from "../../scripts/pack-tarballs.mjs";
// @ts-expect-error -- a plain .mjs script without declarations
import { readmeAppFiles } from "../fresh-app/fresh-app.mjs";

interface PackedPackage {
  readonly files: readonly string[];
  readonly manifest: {
    name: string;
    license: string;
    exports: Record<string, string | Record<string, string>>;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

const scratch = mkdtempSync(join(tmpdir(), "elarion-pack-"));
const packed = new Map<string, PackedPackage>();

beforeAll(() => {
  // `pnpm test` has just built dist; pack it as it is (the pack:tarballs script rebuilds it clean).
  const tarballs = packTarballs({ outDir: scratch, build: false }) as string[];
  for (const tarball of tarballs) {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.replace(/^package\//, ""));
    const manifest = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
    ) as PackedPackage["manifest"];
    packed.set(basename(tarball).replace(/-\d+\.\d+\.\d+\.tgz$/, ""), { files, manifest });
  }
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file an `exports` or `bin` entry points at. */
function exportTargets(manifest: PackedPackage["manifest"]): string[] {
  const targets = Object.values(manifest.exports).flatMap((entry) =>
    typeof entry === "string" ? [entry] : Object.values(entry),
  );
  return [...targets, ...Object.values(manifest.bin ?? {})].map((target) =>
    target.replace(/^\.\//, ""),
  );
}

describe.each(["elarion-runtime", "elarion-generator", "elarion-dashboard"])(
  "the %s tarball",
  (name) => {
    const pkg = (): PackedPackage => {
      const found = packed.get(name);
      if (found === undefined)
        throw new Error(`${name} was not packed; packed: ${[...packed.keys()].join(", ")}`);
      return found;
    };

    it("holds its README, its MIT LICENSE and every file its exports and bin name", () => {
      const { files, manifest } = pkg();
      expect(files).toEqual(
        expect.arrayContaining([
          "package.json",
          "README.md",
          "LICENSE",
          ...exportTargets(manifest),
        ]),
      );
      expect(manifest.license).toBe("MIT");
    });

    it("exports ./package.json, so tools can read its version", () => {
      expect(pkg().manifest.exports["./package.json"]).toBe("./package.json");
    });

    it("ships no tests, fixtures, build configs or build caches", () => {
      const unwanted = pkg().files.filter(
        (file) =>
          /(^|\/)(test|tests|fixtures|__tests__|node_modules)\//.test(file) ||
          /\.(test|spec)\.[cm]?[jt]s$/.test(file) ||
          /(^|\/)tsconfig[^/]*\.json$/.test(file) ||
          /\.tsbuildinfo$/.test(file),
      );
      expect(unwanted).toEqual([]);
    });

    it("names real versions of its dependencies, not workspace: links", () => {
      const { dependencies = {}, peerDependencies = {} } = pkg().manifest;
      expect(
        Object.entries({ ...dependencies, ...peerDependencies }).filter(([, range]) =>
          range.startsWith("workspace:"),
        ),
      ).toEqual([]);
    });
  },
);

describe("the generator tarball", () => {
  it("brings its own TypeScript for analysis as a regular dependency, so an app's TypeScript 7 is never picked up", () => {
    const { dependencies = {}, peerDependencies = {} } = packed.get("elarion-generator")!.manifest;
    expect(dependencies["typescript"]).toBe(">=5.0 <7");
    expect(peerDependencies["typescript"]).toBeUndefined();
    expect(dependencies["@elarion/runtime"]).toBe("0.1.0");
  });

  it("holds every bundler entry: esbuild, vite, rollup, webpack, rspack and the transformer", () => {
    const exports = Object.keys(packed.get("elarion-generator")!.manifest.exports);
    expect(exports).toEqual(
      expect.arrayContaining([
        "./transformer",
        "./esbuild",
        "./vite",
        "./rollup",
        "./webpack",
        "./rspack",
      ]),
    );
  });
});

describe("the dashboard tarball", () => {
  it("ships its stylesheet and script next to the code that serves them, and needs nothing at run time but the runtime", () => {
    const { files, manifest } = packed.get("elarion-dashboard")!;
    expect(files).toEqual(
      expect.arrayContaining([
        "dist/assets/dashboard.css",
        "dist/assets/dashboard.js",
        "dist/index.js",
      ]),
    );
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toEqual({ "@elarion/runtime": "^0.1.0" });
  });
});

describe("the fresh app CI installs from the tarballs", () => {
  it("is made of the package READMEs' smallest example and tsconfig", () => {
    expect(Object.keys(readmeAppFiles() as Record<string, string>).sort()).toEqual([
      "src/jobs/hello-job.ts",
      "src/main.ts",
      "tsconfig.json",
    ]);
  });
});
