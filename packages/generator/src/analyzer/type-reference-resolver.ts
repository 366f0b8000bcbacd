import path from "node:path";
import type ts from "typescript";
import type { ImportedName, TypeReference } from "../model/type-reference.js";
import type { AnalysisContext } from "./analysis-context.js";
import type { TypeScriptModule } from "./typescript-module.js";

/**
 * Decides how generated code names a type the user wrote: by importing it (from the declaring
 * file, or from the package the user imported it from), as a global, or — when it cannot be
 * imported by name — through the given fallback type query.
 */
export class TypeReferenceResolver {
  constructor(private readonly context: AnalysisContext) {}

  resolve(typeNode: ts.TypeNode, fallback: TypeReference): TypeReference {
    const ts = this.context.ts;
    if (isKeywordType(ts, typeNode)) return { kind: "global", text: typeNode.getText() };
    if (
      !ts.isTypeReferenceNode(typeNode) ||
      typeNode.typeArguments !== undefined ||
      !ts.isIdentifier(typeNode.typeName)
    )
      return fallback;
    const symbol = this.context.checker.getSymbolAtLocation(typeNode.typeName);
    if (symbol === undefined) return fallback;
    const imported = this.importedName(symbol);
    if (imported !== null) return { kind: "import", name: imported };
    const target = this.context.resolveAlias(symbol);
    const declaration = target.declarations?.[0];
    if (
      declaration !== undefined &&
      !ts.isExternalModule(declaration.getSourceFile()) &&
      declaration.getSourceFile().isDeclarationFile
    ) {
      return { kind: "global", text: typeNode.typeName.text };
    }
    return fallback;
  }

  /** How a declared symbol (a class, an interface, a type alias) is imported, or `null`. */
  importedName(symbol: ts.Symbol): ImportedName | null {
    const ts = this.context.ts;
    const target = this.context.resolveAlias(symbol);
    const declaration = target.declarations?.[0];
    if (declaration === undefined) return null;
    const declaringFile = declaration.getSourceFile();
    if (
      !this.context.program.isSourceFileFromExternalLibrary(declaringFile) &&
      !declaringFile.isDeclarationFile
    ) {
      const exportName = this.exportNameOf(declaringFile, target);
      if (exportName === null) return null;
      return {
        exportName,
        declaredName: declaredNameOf(ts, declaration) ?? target.getName(),
        from: { kind: "file", path: path.resolve(declaringFile.fileName) },
      };
    }
    // A type from a package: reuse the user's own import of it, which is known to resolve.
    const importDeclaration = symbol.declarations?.find(
      (node) => ts.isImportSpecifier(node) || ts.isImportClause(node),
    );
    if (importDeclaration === undefined) return null;
    const moduleSpecifier = ts.isImportSpecifier(importDeclaration)
      ? importDeclaration.parent.parent.parent.moduleSpecifier
      : importDeclaration.parent.moduleSpecifier;
    if (!ts.isStringLiteral(moduleSpecifier) || moduleSpecifier.text.startsWith(".")) return null;
    const exportName = ts.isImportSpecifier(importDeclaration)
      ? (importDeclaration.propertyName ?? importDeclaration.name).text
      : "default";
    return {
      exportName,
      declaredName: symbol.getName(),
      from: { kind: "package", specifier: moduleSpecifier.text },
    };
  }

  /** The name under which `sourceFile` exports `symbol` (`"default"` for a default export), or `null`. */
  exportNameOf(sourceFile: ts.SourceFile, symbol: ts.Symbol): string | null {
    const moduleSymbol = this.context.checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) return null;
    const candidates = this.context.checker
      .getExportsOfModule(moduleSymbol)
      .filter((exported) => this.context.resolveAlias(exported) === symbol)
      .map((exported) => exported.getName());
    if (candidates.includes(symbol.getName())) return symbol.getName();
    return candidates.sort()[0] ?? null;
  }
}

function isKeywordType(ts: TypeScriptModule, node: ts.TypeNode): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BooleanKeyword:
    case ts.SyntaxKind.VoidKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.ObjectKeyword:
    case ts.SyntaxKind.NeverKeyword:
      return true;
    default:
      return node.kind === ts.SyntaxKind.LiteralType && node.getText() === "null";
  }
}

/** The name written in a declaration (`class InvoiceJob`), also for default exports whose symbol is "default". */
function declaredNameOf(ts: TypeScriptModule, declaration: ts.Declaration): string | undefined {
  const name = ts.getNameOfDeclaration(declaration);
  return name !== undefined && ts.isIdentifier(name) ? name.text : undefined;
}
