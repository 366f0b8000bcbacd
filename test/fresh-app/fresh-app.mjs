#!/usr/bin/env node
// Installs the packed tarballs into a fresh app OUTSIDE the workspace with plain npm, builds it
// with one toolchain and runs it — what a new user does before the packages are published.
//
//   node test/fresh-app/fresh-app.mjs tspc          # typescript 5.9 + ts-patch: tspc -p tsconfig.json
//   node test/fresh-app/fresh-app.mjs typescript7   # typescript@7: elarion-gen && tsc -p tsconfig.json
//
// The app's files are the smallest example of packages/runtime/README.md and the tsconfig of
// packages/generator/README.md (their `<!-- fresh-app: path -->` blocks), so those READMEs are run,
// not only read. Used by .ci/run; needs the npm registry.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packTarballs } from "../../scripts/pack-tarballs.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const template = fileURLToPath(new URL("./template/", import.meta.url));

const TOOLCHAINS = {
  tspc: {
    devDependencies: ["typescript@5.9.3", "ts-patch@3.3.0"],
    build: [["npx", "tspc", "-p", "tsconfig.json"]],
  },
  typescript7: {
    devDependencies: ["typescript@7"],
    build: [
      ["npx", "elarion-gen", "-p", "tsconfig.json"],
      ["npx", "tsc", "-p", "tsconfig.json"],
    ],
  },
};

/** The `<!-- fresh-app: path -->` blocks of the package READMEs, as { path: text }. */
export function readmeAppFiles() {
  const files = {};
  for (const readme of ["packages/runtime/README.md", "packages/generator/README.md"]) {
    const text = readFileSync(join(root, readme), "utf8");
    for (const match of text.matchAll(/<!-- fresh-app: (\S+) -->\n```\w*\n([\s\S]*?)```/g))
      files[match[1]] = match[2];
  }
  return files;
}

function run(command, args, cwd) {
  console.log(`$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.status !== 0)
    throw new Error(`\`${[command, ...args].join(" ")}\` exited ${result.status} in ${cwd}`);
}

function main(toolchainName) {
  const toolchain = TOOLCHAINS[toolchainName];
  if (toolchain === undefined)
    throw new Error(`usage: fresh-app.mjs ${Object.keys(TOOLCHAINS).join("|")}`);
  const scratch = mkdtempSync(join(tmpdir(), `elarion-fresh-app-${toolchainName}-`));
  try {
    const tarballs = packTarballs({ outDir: join(scratch, "tarballs") });
    const app = join(scratch, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), readFileSync(join(template, "package.json")));
    for (const [path, text] of Object.entries(readmeAppFiles())) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      writeFileSync(join(app, path), text);
    }
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], app);
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        "--save-dev",
        ...toolchain.devDependencies,
      ],
      app,
    );
    for (const [command, ...args] of toolchain.build) run(command, args, app);
    if (!existsSync(join(app, "src", "jobs.generated.ts")))
      throw new Error("the build did not generate src/jobs.generated.ts");
    const output = execFileSync(process.execPath, ["dist/main.js"], { cwd: app, encoding: "utf8" });
    process.stdout.write(output);
    if (!output.includes("hello, Ada"))
      throw new Error(`expected the app to print "hello, Ada", got: ${output}`);
    const generatorTypescript = JSON.parse(
      execFileSync(
        process.execPath,
        ["-p", 'JSON.stringify(require("typescript/package.json").version)'],
        { cwd: join(app, "node_modules", "@elarion", "generator"), encoding: "utf8" },
      ),
    );
    console.log(
      `fresh app (${toolchainName}): installed from tarballs, built and ran; the generator analysed with typescript ${generatorTypescript}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv[2]);
  } catch (error) {
    console.error(`fresh-app: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
