import {
  resiliencePolicy,
  type ResiliencePolicy,
  type ResiliencePolicyOptions,
} from "@elarion/runtime";
import type ts from "typescript";
import type { AnalysisContext } from "./analysis-context.js";
import { optionNode } from "./option-locations.js";

/** A `resiliencePolicy(...)` call, evaluated with the runtime's own function. */
export class PolicyValue {
  constructor(readonly policy: ResiliencePolicy) {}
}

/** A value the generator could compute from literals and consts. */
export type ConstantValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | PolicyValue
  | readonly ConstantValue[]
  | { readonly [key: string]: ConstantValue };

/** The evaluation failed at `node`; `invalidPolicy` marks a `resiliencePolicy(...)` call that threw. */
export type EvaluationFailure = {
  readonly ok: false;
  readonly node: ts.Node;
  readonly reason: string;
  readonly invalidPolicy: boolean;
};
export type Evaluation = { readonly ok: true; readonly value: ConstantValue } | EvaluationFailure;

const MAX_DEPTH = 32;

/**
 * Evaluates decorator arguments at build time: literals, template literals, negative numbers,
 * object/array literals (with spreads), `as const`/`satisfies`, references to `const` variables
 * (also imported ones), property access on const objects, enum members and `resiliencePolicy(...)`
 * calls. Anything else is reported, never guessed.
 */
export class ConstantEvaluator {
  constructor(private readonly context: AnalysisContext) {}

  evaluate(expression: ts.Expression, depth = 0): Evaluation {
    const ts = this.context.ts;
    if (depth > MAX_DEPTH) return fail(expression, "it refers to itself or is nested too deeply");
    if (
      ts.isParenthesizedExpression(expression) ||
      ts.isAsExpression(expression) ||
      ts.isSatisfiesExpression(expression) ||
      ts.isNonNullExpression(expression) ||
      ts.isTypeAssertionExpression(expression)
    ) {
      return this.evaluate(expression.expression, depth + 1);
    }
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
      return ok(expression.text);
    if (ts.isNumericLiteral(expression)) return ok(Number(expression.text));
    if (expression.kind === ts.SyntaxKind.TrueKeyword) return ok(true);
    if (expression.kind === ts.SyntaxKind.FalseKeyword) return ok(false);
    if (expression.kind === ts.SyntaxKind.NullKeyword) return ok(null);
    if (ts.isPrefixUnaryExpression(expression)) return this.prefixUnary(expression, depth);
    if (ts.isTemplateExpression(expression)) return this.template(expression, depth);
    if (ts.isArrayLiteralExpression(expression)) return this.array(expression, depth);
    if (ts.isObjectLiteralExpression(expression)) return this.object(expression, depth);
    if (ts.isIdentifier(expression)) return this.identifier(expression, depth);
    if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression))
      return this.access(expression, depth);
    if (ts.isCallExpression(expression)) return this.call(expression, depth);
    return fail(
      expression,
      `\`${snippet(expression)}\` is computed at run time; write the value as a literal or a const`,
    );
  }

  private prefixUnary(expression: ts.PrefixUnaryExpression, depth: number): Evaluation {
    const ts = this.context.ts;
    const operand = this.evaluate(expression.operand, depth + 1);
    if (!operand.ok) return operand;
    if (typeof operand.value === "number") {
      if (expression.operator === ts.SyntaxKind.MinusToken) return ok(-operand.value);
      if (expression.operator === ts.SyntaxKind.PlusToken) return ok(operand.value);
    }
    if (
      typeof operand.value === "boolean" &&
      expression.operator === ts.SyntaxKind.ExclamationToken
    )
      return ok(!operand.value);
    return fail(
      expression,
      `\`${snippet(expression)}\` is not a constant the generator can evaluate`,
    );
  }

  private template(expression: ts.TemplateExpression, depth: number): Evaluation {
    let text = expression.head.text;
    for (const span of expression.templateSpans) {
      const part = this.evaluate(span.expression, depth + 1);
      if (!part.ok) return part;
      if (
        typeof part.value !== "string" &&
        typeof part.value !== "number" &&
        typeof part.value !== "boolean"
      ) {
        return fail(
          span.expression,
          "a template literal may only substitute string, number or boolean constants",
        );
      }
      text += String(part.value) + span.literal.text;
    }
    return ok(text);
  }

  private array(expression: ts.ArrayLiteralExpression, depth: number): Evaluation {
    const values: ConstantValue[] = [];
    for (const element of expression.elements) {
      if (this.context.ts.isSpreadElement(element)) {
        const spread = this.evaluate(element.expression, depth + 1);
        if (!spread.ok) return spread;
        if (!Array.isArray(spread.value))
          return fail(element, "only arrays can be spread into an array");
        values.push(...(spread.value as readonly ConstantValue[]));
        continue;
      }
      const value = this.evaluate(element, depth + 1);
      if (!value.ok) return value;
      values.push(value.value);
    }
    return ok(values);
  }

  private object(expression: ts.ObjectLiteralExpression, depth: number): Evaluation {
    const ts = this.context.ts;
    const result: Record<string, ConstantValue> = {};
    for (const property of expression.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = this.evaluate(property.expression, depth + 1);
        if (!spread.ok) return spread;
        if (!isPlainObject(spread.value))
          return fail(property, "only objects can be spread into an object");
        Object.assign(result, spread.value);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(property)) {
        const value = this.evaluate(property.name, depth + 1);
        if (!value.ok) return value;
        result[property.name.text] = value.value;
        continue;
      }
      if (!ts.isPropertyAssignment(property))
        return fail(property, "methods and accessors are not constants");
      const key = this.propertyKey(property.name, depth);
      if (typeof key !== "string") return key;
      const value = this.evaluate(property.initializer, depth + 1);
      if (!value.ok) return value;
      result[key] = value.value;
    }
    return ok(result);
  }

  private propertyKey(name: ts.PropertyName, depth: number): string | EvaluationFailure {
    const ts = this.context.ts;
    if (
      ts.isIdentifier(name) ||
      ts.isStringLiteral(name) ||
      ts.isNumericLiteral(name) ||
      ts.isPrivateIdentifier(name)
    )
      return name.text;
    if (ts.isComputedPropertyName(name)) {
      const key = this.evaluate(name.expression, depth + 1);
      if (!key.ok) return key;
      if (typeof key.value === "string" || typeof key.value === "number") return String(key.value);
    }
    return fail(name, "the property name is not a constant");
  }

  private identifier(identifier: ts.Identifier, depth: number): Evaluation {
    const ts = this.context.ts;
    if (identifier.text === "undefined") return ok(undefined);
    const symbol = this.context.checker.getSymbolAtLocation(identifier);
    if (symbol === undefined) return fail(identifier, `\`${identifier.text}\` is not declared`);
    const target = this.context.resolveAlias(symbol);
    const declaration = target.valueDeclaration ?? target.declarations?.[0];
    if (declaration !== undefined && ts.isVariableDeclaration(declaration)) {
      const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      if (isConst && declaration.initializer !== undefined)
        return this.evaluate(declaration.initializer, depth + 1);
      return fail(
        identifier,
        `\`${identifier.text}\` is not a const with an initializer; declare it with \`const\``,
      );
    }
    if (declaration !== undefined && ts.isEnumMember(declaration))
      return this.enumMember(identifier, declaration);
    return fail(identifier, `\`${identifier.text}\` is not a const the generator can read`);
  }

  private access(
    expression: ts.PropertyAccessExpression | ts.ElementAccessExpression,
    depth: number,
  ): Evaluation {
    const ts = this.context.ts;
    const enumValue = this.context.checker.getConstantValue(expression);
    if (enumValue !== undefined) return ok(enumValue);
    const object = this.evaluate(expression.expression, depth + 1);
    if (!object.ok) return object;
    let key: string;
    if (ts.isPropertyAccessExpression(expression)) {
      key = expression.name.text;
    } else {
      const argument = this.evaluate(expression.argumentExpression, depth + 1);
      if (!argument.ok) return argument;
      if (typeof argument.value !== "string" && typeof argument.value !== "number")
        return fail(expression.argumentExpression, "the index is not a constant");
      key = String(argument.value);
    }
    if (Array.isArray(object.value) && /^\d+$/.test(key))
      return ok((object.value as readonly ConstantValue[])[Number(key)]);
    if (isPlainObject(object.value) && Object.hasOwn(object.value, key))
      return ok(object.value[key]);
    return fail(expression, `\`${snippet(expression)}\` does not name a constant property`);
  }

  private enumMember(node: ts.Node, member: ts.EnumMember): Evaluation {
    const value = this.context.checker.getConstantValue(member);
    return value === undefined ? fail(node, "the enum member has no constant value") : ok(value);
  }

  private call(expression: ts.CallExpression, depth: number): Evaluation {
    const symbol = this.context.checker.getSymbolAtLocation(expression.expression);
    if (!this.context.isRuntimeExport(symbol, "resiliencePolicy")) {
      return fail(
        expression,
        `\`${snippet(expression)}\` is a function call, computed at run time; write the value as a literal or a const`,
      );
    }
    const [nameArgument, optionsArgument] = expression.arguments;
    if (nameArgument === undefined) return fail(expression, "resiliencePolicy needs a name");
    const name = this.evaluate(nameArgument, depth + 1);
    if (!name.ok) return name;
    let options: ConstantValue = {};
    if (optionsArgument !== undefined) {
      const evaluated = this.evaluate(optionsArgument, depth + 1);
      if (!evaluated.ok) return evaluated;
      options = evaluated.value;
    }
    try {
      return ok(
        new PolicyValue(resiliencePolicy(name.value as string, options as ResiliencePolicyOptions)),
      );
    } catch (error) {
      const node = this.offendingPolicyPart(expression, name.value, options) ?? expression;
      return {
        ok: false,
        node,
        reason: error instanceof Error ? error.message : String(error),
        invalidPolicy: true,
      };
    }
  }

  /**
   * The part of a failing `resiliencePolicy(name, options)` call to point at: the name, or the
   * first option the runtime rejects on its own (asked one option at a time, so no message is
   * parsed), as its property in the options literal.
   */
  private offendingPolicyPart(
    call: ts.CallExpression,
    name: ConstantValue,
    options: ConstantValue,
  ): ts.Node | null {
    const rejects = (policyOptions: ConstantValue): boolean => {
      try {
        resiliencePolicy(name as string, policyOptions as ResiliencePolicyOptions);
        return false;
      } catch {
        return true;
      }
    };
    if (rejects({})) return call.arguments[0] ?? null;
    if (!isPlainObject(options)) return call.arguments[1] ?? null;
    const key = Object.keys(options).find((candidate) =>
      rejects({ [candidate]: options[candidate] }),
    );
    return key === undefined ? null : optionNode(this.context, call.arguments[1], key);
  }
}

/** Whether a constant is a plain object (not an array, not a policy). */
export function isPlainObject(
  value: ConstantValue,
): value is { readonly [key: string]: ConstantValue } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PolicyValue)
  );
}

function ok(value: ConstantValue): Evaluation {
  return { ok: true, value };
}

function fail(node: ts.Node, reason: string): EvaluationFailure {
  return { ok: false, node, reason, invalidPolicy: false };
}

function snippet(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
