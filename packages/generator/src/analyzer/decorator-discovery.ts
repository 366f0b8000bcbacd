import path from "node:path";
import type ts from "typescript";
import type { AnalysisContext } from "./analysis-context.js";

/** A `@ScheduledJob(...)` use that the checker confirmed is the runtime's decorator. */
export interface DecoratorUse {
  readonly decorator: ts.Decorator;
  readonly call: ts.CallExpression;
  /** The decorated class or method (or anything else, which is then reported). */
  readonly target: ts.Node;
}

const DECORATOR_NAME = "ScheduledJob";

/**
 * Finds `@ScheduledJob` uses: first a cheap text filter (the file mentions `ScheduledJob` or a name
 * it is imported/re-exported as), then a syntax walk over decorators only, then the checker
 * confirms each candidate resolves to `@elarion/runtime`'s `ScheduledJob`.
 *
 * @returns the uses in program order, and the project's own source files (all of them are read).
 */
export function discoverDecoratorUses(context: AnalysisContext): {
  uses: DecoratorUse[];
  sourceFiles: ts.SourceFile[];
} {
  const ts = context.ts;
  const generated = new Set(context.settings.generatedFiles.map((file) => path.resolve(file)));
  const sourceFiles = context.program
    .getSourceFiles()
    .filter(
      (file) =>
        !file.isDeclarationFile &&
        !context.program.isSourceFileFromExternalLibrary(file) &&
        !context.program.isSourceFileDefaultLibrary(file) &&
        !generated.has(path.resolve(file.fileName)),
    );
  const names = importedNames(sourceFiles, DECORATOR_NAME);
  const uses: DecoratorUse[] = [];
  for (const sourceFile of sourceFiles) {
    if (!mentionsAny(sourceFile.text, names)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.canHaveDecorators(node)) {
        for (const decorator of ts.getDecorators(node) ?? []) {
          const call = decorator.expression;
          if (!ts.isCallExpression(call)) continue;
          const callee = ts.isPropertyAccessExpression(call.expression)
            ? call.expression.name
            : call.expression;
          if (!ts.isIdentifier(callee) || !names.has(callee.text)) continue;
          if (!context.isRuntimeExport(context.checker.getSymbolAtLocation(callee), DECORATOR_NAME))
            continue;
          uses.push({ decorator, call, target: node });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { uses, sourceFiles };
}

/**
 * `exportName` plus every name it is imported or re-exported as (`ScheduledJob as Job`, and
 * `Job as Task` in turn), found by text so that files using an alias pass the text filter too.
 */
export function importedNames(
  sourceFiles: readonly ts.SourceFile[],
  exportName: string,
): Set<string> {
  const names = new Set([exportName]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const sourceFile of sourceFiles) {
      if (!mentionsAny(sourceFile.text, names)) continue;
      for (const match of sourceFile.text.matchAll(
        /\b([A-Za-z_$][\w$]*)\s+as\s+([A-Za-z_$][\w$]*)/g,
      )) {
        if (names.has(match[1]!) && !names.has(match[2]!)) {
          names.add(match[2]!);
          grew = true;
        }
      }
    }
  }
  return names;
}

export function mentionsAny(text: string, names: ReadonlySet<string>): boolean {
  for (const name of names) if (text.includes(name)) return true;
  return false;
}
