#!/usr/bin/env node
// Packs @elarion/runtime, @elarion/generator and @elarion/dashboard into npm tarballs, the way
// `npm publish` would, until they are on the registry:
//
//   npx --yes pnpm@10.34.9 pack:tarballs        # dist-tarballs/elarion-runtime-0.1.0.tgz, elarion-generator-0.1.0.tgz, elarion-dashboard-0.1.0.tgz
//   npm install ./dist-tarballs/elarion-*.tgz   # in your app (copy the files anywhere)
//
// It rebuilds the packages from a clean dist first (a file deleted from src must not ship from a
// stale dist), and packs with pnpm, which turns the generator's `workspace:*` dependency on the
// runtime into its version. Options: --out <dir> (default dist-tarballs), --no-build (pack the
// dist as it is; the packaging test uses it).
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PACKAGES = ["runtime", "generator", "dashboard"];

/** Packs the packages into `outDir` and returns the tarballs' absolute paths. */
export function packTarballs({ outDir = join(root, "dist-tarballs"), build = true } = {}) {
  if (build) {
    for (const name of PACKAGES)
      rmSync(join(root, "packages", name, "dist"), { recursive: true, force: true });
    pnpm(["build"], root);
  }
  mkdirSync(outDir, { recursive: true });
  for (const name of PACKAGES) {
    for (const old of readdirSync(outDir).filter((file) => file.startsWith(`elarion-${name}-`)))
      rmSync(join(outDir, old));
    pnpm(["pack", "--pack-destination", outDir], join(root, "packages", name));
  }
  return readdirSync(outDir)
    .filter(
      (file) =>
        PACKAGES.some((name) => file.startsWith(`elarion-${name}-`)) && file.endsWith(".tgz"),
    )
    .sort()
    .map((file) => join(outDir, file));
}

function pnpm(args, cwd) {
  // Under `pnpm pack:tarballs` npm_execpath is pnpm itself; run directly, use the pinned pnpm.
  const execPath = process.env["npm_execpath"];
  const [command, prefix] =
    execPath !== undefined && /pnpm/.test(execPath)
      ? [process.execPath, [execPath]]
      : ["npx", ["--yes", "pnpm@10.34.9"]];
  const result = spawnSync(command, [...prefix, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? "");
    throw new Error(
      `pack-tarballs: \`pnpm ${args.join(" ")}\` failed in ${relative(root, cwd) || "."} (exit ${result.status})`,
    );
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const outDir = outIndex >= 0 ? resolve(args[outIndex + 1] ?? "") : undefined;
  try {
    const tarballs = packTarballs({
      ...(outDir === undefined ? {} : { outDir }),
      build: !args.includes("--no-build"),
    });
    for (const tarball of tarballs) console.log(relative(process.cwd(), tarball));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
