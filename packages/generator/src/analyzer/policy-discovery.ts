import type { ResiliencePolicy } from "@elarion/runtime";
import type ts from "typescript";
import type { AnalysisContext } from "./analysis-context.js";
import { PolicyValue, type ConstantEvaluator } from "./constant-evaluator.js";
import { importedNames, mentionsAny } from "./decorator-discovery.js";

/** A top-level exported policy, with the node its diagnostics point at. */
export interface DeclaredPolicy {
  readonly policy: ResiliencePolicy;
  readonly node: ts.Node;
}

/**
 * Finds top-level `export const x = resiliencePolicy("name", {...})` declarations (text filter
 * first), evaluates them with the runtime's own `resiliencePolicy`, and reports invalid ones and
 * duplicate names.
 *
 * @returns the valid policies, by name.
 */
export function discoverPolicies(
  context: AnalysisContext,
  evaluator: ConstantEvaluator,
  sourceFiles: readonly ts.SourceFile[],
): Map<string, DeclaredPolicy> {
  const ts = context.ts;
  const policies = new Map<string, DeclaredPolicy>();
  const names = importedNames(sourceFiles, "resiliencePolicy");
  for (const sourceFile of sourceFiles) {
    if (!mentionsAny(sourceFile.text, names)) continue;
    for (const statement of sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const exported =
        statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) ??
        false;
      const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      if (!exported || !isConst) continue;
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer;
        if (initializer === undefined || !ts.isCallExpression(initializer)) continue;
        if (
          !context.isRuntimeExport(
            context.checker.getSymbolAtLocation(initializer.expression),
            "resiliencePolicy",
          )
        )
          continue;
        const evaluated = evaluator.evaluate(initializer);
        if (!evaluated.ok) {
          if (evaluated.invalidPolicy)
            context.report("invalidResiliencePolicy", evaluated.node, [evaluated.reason]);
          else
            context.report("nonConstantOption", evaluated.node, [
              `of resiliencePolicy ${declaration.name.getText()}`,
              evaluated.reason,
            ]);
          continue;
        }
        if (!(evaluated.value instanceof PolicyValue)) continue;
        const { policy } = evaluated.value;
        const nameNode = initializer.arguments[0] ?? initializer;
        const existing = policies.get(policy.name);
        if (existing !== undefined) {
          context.report("duplicatePolicyName", nameNode, [
            policy.name,
            context.describeLocation(existing.node),
          ]);
          continue;
        }
        policies.set(policy.name, { policy, node: nameNode });
      }
    }
  }
  return policies;
}
