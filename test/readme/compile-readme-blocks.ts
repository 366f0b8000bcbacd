import ts from "typescript";
import { resolve } from "node:path";
import { repositoryRoot, type ReadmeBlock } from "./readme-blocks.js";

/** A compiler error in a README block, located in README.md. */
export interface BlockError {
  readonly readmeLine: number;
  readonly message: string;
}

/**
 * The flags the README promises users: the examples' strict settings. Unused locals are allowed
 * because a snippet may declare something only to show it.
 */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  types: ["node"],
  noEmit: true,
};

/**
 * Type-checks every block as a virtual file at its `file=` path (so its relative imports and
 * package imports resolve exactly as in that example), with its `prelude` as a hidden first line.
 * Nothing is written to disk.
 */
export function compileReadmeBlocks(blocks: readonly ReadmeBlock[]): BlockError[] {
  const virtualFiles = new Map<string, { block: ReadmeBlock; text: string }>();
  for (const block of blocks) {
    const file = block.check?.["file"];
    if (file === undefined)
      throw new Error(
        `README.md:${block.line}: a ts block needs <!-- readme-check: file=... --> above it`,
      );
    const path = resolve(repositoryRoot, file);
    if (virtualFiles.has(path))
      throw new Error(`README.md:${block.line}: file=${file} is used by two blocks`);
    // The prelude shares line 1 with nothing else, so block line n is virtual line n + 1.
    virtualFiles.set(path, {
      block,
      text: `${block.check?.["prelude"] ?? ""}\n${block.code}\nexport {};\n`,
    });
  }

  const host = ts.createCompilerHost(OPTIONS, true);
  const realFileExists = host.fileExists.bind(host);
  const realReadFile = host.readFile.bind(host);
  const realGetSourceFile = host.getSourceFile.bind(host);
  host.getCurrentDirectory = () => repositoryRoot;
  host.fileExists = (fileName) => virtualFiles.has(resolve(fileName)) || realFileExists(fileName);
  host.readFile = (fileName) => virtualFiles.get(resolve(fileName))?.text ?? realReadFile(fileName);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = virtualFiles.get(resolve(fileName));
    if (virtual !== undefined)
      return ts.createSourceFile(fileName, virtual.text, languageVersion, true);
    return realGetSourceFile(fileName, languageVersion, onError, shouldCreate);
  };

  const program = ts.createProgram({ rootNames: [...virtualFiles.keys()], options: OPTIONS, host });
  const errors: BlockError[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const virtual =
      diagnostic.file === undefined
        ? undefined
        : virtualFiles.get(resolve(diagnostic.file.fileName));
    if (diagnostic.file === undefined || virtual === undefined) {
      // An error outside the blocks (e.g. in an example they import) still breaks the docs.
      const where = diagnostic.file === undefined ? "" : `${diagnostic.file.fileName}: `;
      errors.push({ readmeLine: 0, message: `${where}TS${diagnostic.code}: ${message}` });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const readmeLine = line === 0 ? virtual.block.line - 1 : virtual.block.line + line - 1;
    errors.push({ readmeLine, message: `TS${diagnostic.code}: ${message}` });
  }
  return errors;
}
