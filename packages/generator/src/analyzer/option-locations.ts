import type ts from "typescript";
import type { AnalysisContext } from "./analysis-context.js";
import type { TypeScriptModule } from "./typescript-module.js";

// Diagnostics about one option point at that option's property when the options are written as an
// object literal (directly or through consts), not at the whole decorator.

/** The property node of option `key` when the options are written as an object literal. */
export function optionNode(
  context: AnalysisContext,
  optionsArgument: ts.Expression | undefined,
  key: string | null,
): ts.Node | null {
  const ts = context.ts;
  if (optionsArgument === undefined) return null;
  const literal = objectLiteralBehind(context, optionsArgument);
  if (key === null || literal === null) return optionsArgument;
  const property = literal.properties.find(
    (element) => element.name !== undefined && propertyNameText(ts, element.name) === key,
  );
  return property ?? optionsArgument;
}

/** Which option a failing node belongs to, for the message. */
export function optionNameAt(
  context: AnalysisContext,
  node: ts.Node,
  optionsArgument: ts.Expression | undefined,
): string {
  const ts = context.ts;
  for (
    let current: ts.Node | undefined = node;
    current !== undefined && current !== optionsArgument;
    current = current.parent
  ) {
    if (
      (ts.isPropertyAssignment(current) || ts.isShorthandPropertyAssignment(current)) &&
      current.parent === objectLiteralBehind(context, optionsArgument!)
    ) {
      return propertyNameText(ts, current.name) ?? "options";
    }
  }
  return "options";
}

function objectLiteralBehind(
  context: AnalysisContext,
  expression: ts.Expression,
): ts.ObjectLiteralExpression | null {
  const ts = context.ts;
  let current: ts.Expression = expression;
  for (let depth = 0; depth < 16; depth++) {
    while (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current)
    )
      current = current.expression;
    if (ts.isObjectLiteralExpression(current)) return current;
    if (!ts.isIdentifier(current)) return null;
    const symbol = context.checker.getSymbolAtLocation(current);
    const declaration =
      symbol === undefined ? undefined : context.resolveAlias(symbol).valueDeclaration;
    if (
      declaration === undefined ||
      !ts.isVariableDeclaration(declaration) ||
      declaration.initializer === undefined
    )
      return null;
    current = declaration.initializer;
  }
  return null;
}

function propertyNameText(ts: TypeScriptModule, name: ts.PropertyName): string | null {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)
    ? name.text
    : null;
}
