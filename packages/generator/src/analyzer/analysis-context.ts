import fs from "node:fs";
import path from "node:path";
import type ts from "typescript";
import type { ElarionDiagnostic } from "../diagnostics/elarion-diagnostic.js";
import {
  DIAGNOSTICS,
  formatMessage,
  type DiagnosticKind,
} from "../diagnostics/diagnostic-table.js";
import type { AnalyzerSettings } from "./job-analyzer.js";
import type { TypeScriptModule } from "./typescript-module.js";

const RUNTIME_PACKAGE_NAME = "@elarion/runtime";

/**
 * What every analyzer step shares for one program: the `typescript` instance the program came
 * from, the checker, and the diagnostics collected so far.
 */
export class AnalysisContext {
  readonly checker: ts.TypeChecker;
  readonly diagnostics: ElarionDiagnostic[] = [];
  private readonly packageNameByDirectory = new Map<string, string | null>();

  constructor(
    readonly ts: TypeScriptModule,
    readonly program: ts.Program,
    readonly settings: AnalyzerSettings,
  ) {
    this.checker = program.getTypeChecker();
  }

  /** Records diagnostic `kind` at `node`. */
  report(kind: DiagnosticKind, node: ts.Node, args: readonly string[]): void {
    this.reportIn(node.getSourceFile(), node, kind, args);
  }

  /**
   * Records diagnostic `kind` at `node` of `sourceFile`, or at its start when `node` is `null`:
   * for files outside the program (a tsconfig), whose nodes may have no parent links.
   */
  reportIn(
    sourceFile: ts.SourceFile,
    node: ts.Node | null,
    kind: DiagnosticKind,
    args: readonly string[],
  ): void {
    const start = node === null ? 0 : node.getStart(sourceFile);
    const { line, character } = this.ts.getLineAndCharacterOfPosition(sourceFile, start);
    const definition = DIAGNOSTICS[kind];
    this.diagnostics.push({
      code: definition.code,
      category: definition.category,
      message: formatMessage(kind, args),
      file: path.resolve(sourceFile.fileName),
      line: line + 1,
      column: character + 1,
      start,
      length: node === null ? 0 : node.getEnd() - start,
    });
  }

  /** Whether an error was reported since `count` diagnostics had been recorded. */
  hasErrorsSince(count: number): boolean {
    return this.diagnostics.slice(count).some((diagnostic) => diagnostic.category === "error");
  }

  /** `file:line` of a node, project-relative, for messages that point at another place. */
  describeLocation(node: ts.Node): string {
    const sourceFile = node.getSourceFile();
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    return `${this.relativePath(sourceFile.fileName)}:${line + 1}`;
  }

  /** Project-relative, `/`-separated. */
  relativePath(fileName: string): string {
    return path
      .relative(this.settings.projectRoot, path.resolve(fileName))
      .split(path.sep)
      .join("/");
  }

  /** Follows import/export aliases to the symbol that declares the thing. */
  resolveAlias(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & this.ts.SymbolFlags.Alias
      ? this.checker.getAliasedSymbol(symbol)
      : symbol;
  }

  /**
   * Whether `symbol` (after aliases and re-exports) is the runtime's export `exportName`: declared
   * under that name in a file of the `@elarion/runtime` package. Matching by package, not by
   * module specifier, recognises re-exports, renamed imports and workspace links alike.
   */
  isRuntimeExport(symbol: ts.Symbol | undefined, exportName: string): boolean {
    if (symbol === undefined) return false;
    const target = this.resolveAlias(symbol);
    if (target.getName() !== exportName) return false;
    const declaration = target.declarations?.[0];
    if (declaration === undefined) return false;
    return this.packageNameOf(declaration.getSourceFile().fileName) === RUNTIME_PACKAGE_NAME;
  }

  private packageNameOf(fileName: string): string | null {
    let directory = path.dirname(path.resolve(fileName));
    const visited: string[] = [];
    for (;;) {
      const known = this.packageNameByDirectory.get(directory);
      if (known !== undefined) return this.remember(visited, known);
      visited.push(directory);
      const manifest = path.join(directory, "package.json");
      if (fs.existsSync(manifest)) {
        let name: string | null = null;
        try {
          const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown };
          name = typeof parsed.name === "string" ? parsed.name : null;
        } catch {
          name = null;
        }
        // A manifest without a name (e.g. a `{ "type": "module" }` marker) does not end the package.
        if (name !== null) return this.remember(visited, name);
      }
      const parent = path.dirname(directory);
      if (parent === directory) return this.remember(visited, null);
      directory = parent;
    }
  }

  private remember(directories: readonly string[], name: string | null): string | null {
    for (const directory of directories) this.packageNameByDirectory.set(directory, name);
    return name;
  }
}
