import type ts from "typescript";
import type { JobModel } from "../model/job-model.js";
import type { ImportedName, TypeReference } from "../model/type-reference.js";
import type { AnalysisContext } from "./analysis-context.js";
import type { TypeReferenceResolver } from "./type-reference-resolver.js";
import type { TypeScriptModule } from "./typescript-module.js";

/** A constructor dependency before key conflicts across jobs are checked. */
export interface DependencyCandidate {
  readonly key: string;
  readonly type: TypeReference;
  /** The declaration the key stands for, to tell two different types with one name apart. */
  readonly identity: ts.Symbol | null;
  readonly node: ts.Node;
}

/** What the decorated class or method contributes to a job. */
export interface JobTarget {
  readonly jobClass: ImportedName & { readonly className: string };
  readonly target: JobModel["target"];
  readonly supportsRuntimeScheduling: boolean;
  readonly dependencies: readonly DependencyCandidate[];
  /** Class jobs taking a payload: its type, the node to report payload problems at, and how to name it. */
  readonly payload: {
    readonly type: ts.Type;
    readonly node: ts.Node;
    readonly reference: TypeReference;
  } | null;
}

const PRIMITIVE_KEYWORDS = new Set(["string", "number", "boolean", "bigint", "symbol"]);
const UNUSABLE_KEYWORDS = new Set([
  "any",
  "unknown",
  "object",
  "never",
  "void",
  "undefined",
  "null",
]);

/**
 * Checks the decorated class or method (exported, concrete, non-generic, constructible, `execute`
 * or method shape) and reads its constructor dependencies and payload type. Reports what is wrong
 * and returns `null` when the job cannot be generated.
 */
export class JobTargetAnalyzer {
  private contextType: ts.Type | null | undefined;

  constructor(
    private readonly context: AnalysisContext,
    private readonly types: TypeReferenceResolver,
  ) {}

  analyze(target: ts.Node, decorator: ts.Decorator): JobTarget | null {
    const ts = this.context.ts;
    if (ts.isClassDeclaration(target)) return this.classJob(target);
    if (ts.isMethodDeclaration(target) && ts.isClassDeclaration(target.parent))
      return this.methodJob(target, target.parent);
    this.context.report("unsupportedDecoratorTarget", decorator, [
      `here it decorates ${describeNode(ts, target)}`,
    ]);
    return null;
  }

  private classJob(declaration: ts.ClassDeclaration): JobTarget | null {
    const ts = this.context.ts;
    const jobClass = this.checkClass(declaration, true);
    if (jobClass === null) return null;
    const classSymbol = this.context.checker.getSymbolAtLocation(declaration.name!)!;
    const instanceType = this.context.checker.getDeclaredTypeOfSymbol(classSymbol);
    const execute = instanceType.getProperty("execute");
    if (execute === undefined) {
      this.context.report("missingExecute", declaration.name!, [jobClass.className]);
      return null;
    }
    const signatures = this.context.checker.getTypeOfSymbol(execute).getCallSignatures();
    const signature = signatures[0];
    if (signature === undefined || signatures.length > 1) {
      const reason =
        signature === undefined ? "it is not a method" : "it is overloaded; keep one signature";
      this.context.report("mistypedExecute", execute.valueDeclaration ?? declaration.name!, [
        jobClass.className,
        reason,
      ]);
      return null;
    }
    const parameters = signature
      .getParameters()
      .map((parameter) => parameter.valueDeclaration)
      .filter((node) => node !== undefined && ts.isParameter(node)) as ts.ParameterDeclaration[];
    const reportAt = execute.valueDeclaration ?? declaration.name!;
    if (parameters.length > 2) {
      this.context.report("mistypedExecute", reportAt, [
        jobClass.className,
        `it takes ${parameters.length} parameters, but execute receives (payload, context)`,
      ]);
      return null;
    }
    if (parameters.some((parameter) => parameter.dotDotDotToken !== undefined)) {
      this.context.report("mistypedExecute", reportAt, [
        jobClass.className,
        "it has a rest parameter",
      ]);
      return null;
    }
    const returned = this.unsupportedReturnType(signature);
    if (returned !== null) {
      this.context.report("mistypedExecute", reportAt, [
        jobClass.className,
        `it returns ${returned}`,
      ]);
      return null;
    }
    const contextParameter = parameters[1];
    if (contextParameter !== undefined && !this.receivesContext(contextParameter)) {
      this.context.report("mistypedExecute", contextParameter, [
        jobClass.className,
        `${this.describeParameter(contextParameter)}, the second parameter, cannot receive the ScheduledJobContext the scheduler passes`,
      ]);
      return null;
    }
    const dependencies = this.constructorDependencies(declaration, jobClass.className);
    if (dependencies === null) return null;
    let payload: JobTarget["payload"] = null;
    const payloadParameter = parameters[0];
    if (payloadParameter !== undefined) {
      const typeNode = payloadParameter.type ?? this.implementedPayloadType(declaration);
      if (typeNode === undefined) {
        this.context.report("mistypedExecute", payloadParameter, [
          jobClass.className,
          "the payload parameter has no type annotation",
        ]);
        return null;
      }
      payload = {
        type: this.context.checker.getTypeFromTypeNode(typeNode),
        node: typeNode,
        reference: this.types.resolve(typeNode, { kind: "execute-payload" }),
      };
    }
    return {
      jobClass,
      target: { kind: "class", executeParameterCount: parameters.length },
      supportsRuntimeScheduling: true,
      dependencies,
      payload,
    };
  }

  private methodJob(
    method: ts.MethodDeclaration,
    declaration: ts.ClassDeclaration,
  ): JobTarget | null {
    const ts = this.context.ts;
    const isStatic = (ts.getCombinedModifierFlags(method) & ts.ModifierFlags.Static) !== 0;
    const jobClass = this.checkClass(declaration, !isStatic);
    if (jobClass === null) return null;
    const where = `${jobClass.className}.${method.name.getText()}`;
    if (!ts.isIdentifier(method.name)) {
      this.context.report("invalidMethodJob", method.name, [
        where,
        "its name must be a plain identifier (not computed or #private)",
      ]);
      return null;
    }
    const modifiers = ts.getCombinedModifierFlags(method);
    if (
      modifiers &
      (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Abstract)
    ) {
      this.context.report("invalidMethodJob", method.name, [
        where,
        "it must be public and concrete, since the generated registry calls it",
      ]);
      return null;
    }
    if (method.parameters.length > 1) {
      this.context.report("invalidMethodJob", method.parameters[1]!, [
        where,
        `it takes ${method.parameters.length} parameters`,
      ]);
      return null;
    }
    const contextParameter = method.parameters[0];
    if (contextParameter !== undefined && !this.receivesContext(contextParameter)) {
      this.context.report("invalidMethodJob", contextParameter, [
        where,
        `its parameter ${this.describeParameter(contextParameter)} cannot receive the ScheduledJobContext the scheduler passes`,
      ]);
      return null;
    }
    const signature = this.context.checker.getSignatureFromDeclaration(method);
    const returned = signature === undefined ? null : this.unsupportedReturnType(signature);
    if (returned !== null) {
      this.context.report("invalidMethodJob", method.name, [where, `it returns ${returned}`]);
      return null;
    }
    const dependencies = isStatic
      ? []
      : this.constructorDependencies(declaration, jobClass.className);
    if (dependencies === null) return null;
    return {
      jobClass,
      target: {
        kind: "method",
        methodName: method.name.text,
        isStatic,
        parameterCount: method.parameters.length,
      },
      supportsRuntimeScheduling: false,
      dependencies,
      payload: null,
    };
  }

  /**
   * Whether the scheduler's `ScheduledJobContext` can be passed to `parameter` (otherwise the
   * generated delegate would not compile). Unannotated and rest parameters, and compilers without a
   * public assignability check, pass.
   */
  private receivesContext(parameter: ts.ParameterDeclaration): boolean {
    const checker = this.context.checker;
    if (
      parameter.type === undefined ||
      parameter.dotDotDotToken !== undefined ||
      typeof checker.isTypeAssignableTo !== "function"
    )
      return true;
    const contextType = this.scheduledJobContextType();
    return (
      contextType === null ||
      checker.isTypeAssignableTo(contextType, checker.getTypeAtLocation(parameter))
    );
  }

  /** The runtime's `ScheduledJobContext`, found once among the program's files that mention it. */
  private scheduledJobContextType(): ts.Type | null {
    if (this.contextType !== undefined) return this.contextType;
    this.contextType = null;
    const checker = this.context.checker;
    for (const sourceFile of this.context.program.getSourceFiles()) {
      if (!sourceFile.text.includes("ScheduledJobContext")) continue;
      const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
      const exported =
        moduleSymbol === undefined
          ? undefined
          : checker
              .getExportsOfModule(moduleSymbol)
              .find((symbol) => symbol.getName() === "ScheduledJobContext");
      if (exported !== undefined && this.context.isRuntimeExport(exported, "ScheduledJobContext")) {
        this.contextType = checker.getDeclaredTypeOfSymbol(this.context.resolveAlias(exported));
        break;
      }
    }
    return this.contextType;
  }

  private describeParameter(parameter: ts.ParameterDeclaration): string {
    return `\`${parameter.getText().replace(/\s+/g, " ")}\``;
  }

  /**
   * The delegate returns what the job returns, typed `Promise<void> | void`: anything else is
   * reported (as its type text); `null` when the return type fits.
   */
  private unsupportedReturnType(signature: ts.Signature): string | null {
    const ts = this.context.ts;
    const checker = this.context.checker;
    const fits = (type: ts.Type): boolean =>
      (type.flags &
        (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Any | ts.TypeFlags.Never)) !==
      0;
    const returnType = checker.getReturnTypeOfSignature(signature);
    const members =
      returnType.flags & ts.TypeFlags.Union ? (returnType as ts.UnionType).types : [returnType];
    for (const member of members) {
      if (fits(member)) continue;
      const isPromise =
        member.getSymbol()?.getName() === "Promise" && member.flags & ts.TypeFlags.Object;
      const [awaited] = isPromise ? checker.getTypeArguments(member as ts.TypeReference) : [];
      if (awaited !== undefined && fits(awaited)) continue;
      return checker.typeToString(returnType);
    }
    return null;
  }

  /** Exported, named, and — when the registry constructs it — concrete and non-generic. */
  private checkClass(
    declaration: ts.ClassDeclaration,
    constructed: boolean,
  ): (ImportedName & { className: string }) | null {
    const ts = this.context.ts;
    if (declaration.name === undefined) {
      this.context.report("notConstructible", declaration, [
        "(anonymous class)",
        "it has no name; give the class a name and export it",
      ]);
      return null;
    }
    const className = declaration.name.text;
    const symbol = this.context.checker.getSymbolAtLocation(declaration.name);
    const exportName =
      symbol === undefined ? null : this.types.exportNameOf(declaration.getSourceFile(), symbol);
    if (exportName === null) {
      this.context.report("classNotExported", declaration.name, [className]);
      return null;
    }
    if (constructed && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Abstract) {
      this.context.report("abstractClass", declaration.name, [className]);
      return null;
    }
    if (
      constructed &&
      declaration.typeParameters !== undefined &&
      declaration.typeParameters.length > 0
    ) {
      this.context.report("genericClass", declaration.typeParameters[0]!, [className]);
      return null;
    }
    const from = this.types.importedName(symbol!);
    if (from === null) {
      this.context.report("classNotExported", declaration.name, [className]);
      return null;
    }
    return { ...from, exportName, declaredName: className, className };
  }

  private constructorDependencies(
    declaration: ts.ClassDeclaration,
    className: string,
  ): DependencyCandidate[] | null {
    const ts = this.context.ts;
    const checker = this.context.checker;
    const classSymbol = checker.getSymbolAtLocation(declaration.name!)!;
    const signatures = checker.getTypeOfSymbol(classSymbol).getConstructSignatures();
    if (signatures.length > 1) {
      this.context.report("notConstructible", declaration.name!, [
        className,
        "it has overloaded constructors; keep one constructor",
      ]);
      return null;
    }
    const constructorDeclaration = signatures[0]?.getDeclaration();
    if (
      constructorDeclaration !== undefined &&
      ts.isConstructorDeclaration(constructorDeclaration)
    ) {
      const flags = ts.getCombinedModifierFlags(constructorDeclaration);
      if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) {
        this.context.report("notConstructible", constructorDeclaration, [
          className,
          "its constructor is not public; make it public",
        ]);
        return null;
      }
    }
    const parameters = signatures[0]?.getParameters() ?? [];
    const dependencies: DependencyCandidate[] = [];
    let failed = false;
    parameters.forEach((parameterSymbol, index) => {
      const parameter = parameterSymbol.valueDeclaration;
      if (parameter === undefined || !ts.isParameter(parameter)) return;
      const name = parameter.name.getText();
      if (parameter.dotDotDotToken !== undefined) {
        this.context.report("notConstructible", parameter, [
          className,
          "its constructor has a rest parameter; list each dependency as its own parameter",
        ]);
        failed = true;
        return;
      }
      const typeNode = parameter.type;
      if (typeNode === undefined) {
        this.context.report("dependencyWithoutAnnotation", parameter, [name, className]);
        failed = true;
        return;
      }
      const written = typeNode.getText();
      if (PRIMITIVE_KEYWORDS.has(written)) {
        this.context.report("primitiveDependency", typeNode, [name, className, written]);
        failed = true;
        return;
      }
      if (UNUSABLE_KEYWORDS.has(written)) {
        this.context.report("anyDependency", typeNode, [name, className, written]);
        failed = true;
        return;
      }
      if (!ts.isTypeReferenceNode(typeNode)) {
        this.context.report("unionDependency", typeNode, [name, className, written]);
        failed = true;
        return;
      }
      const symbol = checker.getSymbolAtLocation(typeNode.typeName);
      dependencies.push({
        key: typeNode.typeName.getText(),
        type: this.types.resolve(typeNode, { kind: "constructor-parameter", index }),
        identity: symbol === undefined ? null : this.context.resolveAlias(symbol),
        node: typeNode,
      });
    });
    return failed ? null : dependencies;
  }

  /** `T` of an `implements IScheduledJob<T>` clause, when `execute`'s payload parameter has no annotation. */
  private implementedPayloadType(declaration: ts.ClassDeclaration): ts.TypeNode | undefined {
    const ts = this.context.ts;
    for (const clause of declaration.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
      for (const implemented of clause.types) {
        const symbol = this.context.checker.getSymbolAtLocation(implemented.expression);
        if (this.context.isRuntimeExport(symbol, "IScheduledJob"))
          return implemented.typeArguments?.[0];
      }
    }
    return undefined;
  }
}

function describeNode(ts: TypeScriptModule, node: ts.Node): string {
  if (ts.isClassExpression(node))
    return "a class expression; declare the class with `export class`";
  if (ts.isPropertyDeclaration(node)) return "a property";
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return "an accessor";
  if (ts.isParameter(node)) return "a parameter";
  return `a ${ts.SyntaxKind[node.kind]}`;
}
