import { createHash } from "node:crypto";
import path from "node:path";
import type ts from "typescript";

/**
 * Wraps a compiler host so that a program built with it sees the generated files exactly as the
 * generator just produced them, even when the host has not seen them yet: absent on a clean
 * checkout, stale in a watcher's or builder's source-file cache, in a directory tsc's host has
 * cached as missing, or a failed module resolution cached by `--watch`. Everything else, and a generated file the host already has with the same
 * text, goes to the host unchanged (so watchers keep watching it).
 *
 * @example
 * ```ts
 * const next = ts.createProgram({ rootNames, options, host: hostWithGeneratedFiles(host, texts, ts), oldProgram: program });
 * ```
 */
export function hostWithGeneratedFiles(
  host: ts.CompilerHost,
  generatedTexts: ReadonlyMap<string, string>,
  typescript: typeof ts,
): ts.CompilerHost {
  const textOf = (fileName: string): string | undefined =>
    generatedTexts.get(path.resolve(fileName));
  const wrapper: ts.CompilerHost = Object.create(host);

  const freshSourceFile = (
    fileName: string,
    text: string,
    languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions,
    fromHost: ts.SourceFile | undefined,
  ): ts.SourceFile => {
    if (fromHost?.text === text) return fromHost;
    const sourceFile = typescript.createSourceFile(fileName, text, languageVersionOrOptions);
    // Builder programs compare versions to decide what to re-check; hash like the host does.
    (sourceFile as { version?: string }).version =
      host.createHash?.(text) ?? createHash("sha256").update(text).digest("hex");
    return sourceFile;
  };

  // tsc's host caches directoryExists: a directory the generator just created may be cached as missing.
  const generatedDirectories = new Set(
    [...generatedTexts.keys()].flatMap((file) => ancestorsOf(path.dirname(file))),
  );
  const directoryExists = host.directoryExists?.bind(host);
  if (directoryExists !== undefined) {
    wrapper.directoryExists = (directoryName) =>
      generatedDirectories.has(path.resolve(directoryName)) || directoryExists(directoryName);
  }
  wrapper.fileExists = (fileName) => textOf(fileName) !== undefined || host.fileExists(fileName);
  wrapper.readFile = (fileName) => textOf(fileName) ?? host.readFile(fileName);
  wrapper.getSourceFile = (
    fileName,
    languageVersionOrOptions,
    onError,
    shouldCreateNewSourceFile,
  ) => {
    const text = textOf(fileName);
    const fromHost = host.getSourceFile(
      fileName,
      languageVersionOrOptions,
      text === undefined ? onError : undefined,
      shouldCreateNewSourceFile,
    );
    return text === undefined
      ? fromHost
      : freshSourceFile(fileName, text, languageVersionOrOptions, fromHost);
  };
  if (host.getSourceFileByPath !== undefined) {
    const getByPath = host.getSourceFileByPath.bind(host);
    wrapper.getSourceFileByPath = (
      fileName,
      filePath,
      languageVersionOrOptions,
      onError,
      shouldCreateNewSourceFile,
    ) => {
      const text = textOf(fileName);
      const fromHost = getByPath(
        fileName,
        filePath,
        languageVersionOrOptions,
        text === undefined ? onError : undefined,
        shouldCreateNewSourceFile,
      );
      return text === undefined
        ? fromHost
        : freshSourceFile(fileName, text, languageVersionOrOptions, fromHost);
    };
  }
  if (host.resolveModuleNameLiterals !== undefined) {
    const resolveWithHost = host.resolveModuleNameLiterals.bind(host);
    // A watcher's resolution cache may still remember "./jobs.generated.js" as unresolvable;
    // retry failed relative imports against this host, which knows the generated files.
    wrapper.resolveModuleNameLiterals = (
      literals,
      containingFile,
      redirectedReference,
      options,
      containingSourceFile,
      reusedNames,
    ) =>
      resolveWithHost(
        literals,
        containingFile,
        redirectedReference,
        options,
        containingSourceFile,
        reusedNames,
      ).map((resolution, index) => {
        const literal = literals[index];
        if (
          resolution.resolvedModule !== undefined ||
          literal === undefined ||
          !literal.text.startsWith(".")
        )
          return resolution;
        const mode = typescript.getModeForUsageLocation(containingSourceFile, literal, options);
        const retried = typescript.resolveModuleName(
          literal.text,
          containingFile,
          options,
          wrapper,
          undefined,
          redirectedReference,
          mode,
        );
        return retried.resolvedModule !== undefined &&
          textOf(retried.resolvedModule.resolvedFileName) !== undefined
          ? retried
          : resolution;
      });
  }
  return wrapper;
}

function ancestorsOf(directory: string): string[] {
  const parent = path.dirname(directory);
  return parent === directory ? [directory] : [directory, ...ancestorsOf(parent)];
}
