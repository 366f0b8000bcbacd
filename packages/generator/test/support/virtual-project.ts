import path from "node:path";
import ts from "typescript";
import { generate, type GenerationResult } from "../../src/generate.js";
import { cachingHost, FIXTURES_DIRECTORY } from "./fixture-program.js";

/** Where virtual projects live: inside the fixtures tree, so `@elarion/runtime` resolves, but never on disk. */
export const VIRTUAL_ROOT = path.join(FIXTURES_DIRECTORY, "__virtual__");

export const VIRTUAL_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/**
 * A program over in-memory files (paths relative to {@link VIRTUAL_ROOT}), for analyzer scenarios
 * too small to deserve a fixture directory.
 */
export function virtualProgram(
  files: Record<string, string>,
  options: ts.CompilerOptions = VIRTUAL_OPTIONS,
): ts.Program {
  const contents = new Map(
    Object.entries(files).map(([name, text]) => [path.join(VIRTUAL_ROOT, name), text]),
  );
  return ts.createProgram({
    rootNames: [...contents.keys()],
    options,
    host: cachingHost(options, contents),
  });
}

/** Generates for in-memory files with the default output path `src/jobs.generated.ts`. */
export function generateVirtual(
  files: Record<string, string>,
  options?: ts.CompilerOptions,
): GenerationResult {
  return generate(virtualProgram(files, options), {
    outFile: path.join(VIRTUAL_ROOT, "src/jobs.generated.ts"),
    projectRoot: VIRTUAL_ROOT,
  });
}
