import path from "node:path";
import ts from "typescript";
import type { GenerationResult } from "../../src/generate.js";
import { cachingHost, fixtureConfig } from "./fixture-program.js";

/** The flags generated code must pass, whatever the app's own tsconfig says. */
export const STRICT_FLAGS: ts.CompilerOptions = {
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  // Declaration emit must be able to name every exported type (libraries ship .d.ts files).
  declaration: true,
  isolatedDeclarations: true,
  noEmit: true,
  skipLibCheck: true,
};

/**
 * Type-checks a fixture together with its generated modules (served from memory, never written
 * into the fixture) under {@link STRICT_FLAGS}, and returns every diagnostic as `file:line: text`
 * (isolatedDeclarations findings only for the generated modules).
 */
export function typeCheckWithGenerated(fixture: string, result: GenerationResult): string[] {
  const config = fixtureConfig(fixture);
  const options = { ...config.options, ...STRICT_FLAGS };
  const generated = new Map(result.files.map((file) => [path.resolve(file.path), file.text]));
  const rootNames = [
    ...new Set([...config.fileNames.map((file) => path.resolve(file)), ...generated.keys()]),
  ];
  const program = ts.createProgram({ rootNames, options, host: cachingHost(options, generated) });
  const isGenerated = (file: ts.SourceFile | undefined): boolean =>
    file !== undefined && generated.has(path.resolve(file.fileName));
  // isolatedDeclarations is a promise the generated modules keep; the fixtures' own files need not.
  const relevant = ts
    .getPreEmitDiagnostics(program)
    .filter(
      (diagnostic) =>
        isGenerated(diagnostic.file) ||
        !ts
          .flattenDiagnosticMessageText(diagnostic.messageText, "\n")
          .includes("--isolatedDeclarations"),
    );
  return relevant.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.basename(diagnostic.file.fileName)}:${line + 1}: ${message}`;
  });
}
