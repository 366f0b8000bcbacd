import path from "node:path";
import type { ResiliencePolicy } from "@elarion/runtime";
import type ts from "typescript";
import type { JobModel } from "../model/job-model.js";
import type { PayloadShape } from "../model/payload-shape.js";
import { compareText } from "../model/ordinal-order.js";
import { AnalysisContext } from "./analysis-context.js";
import { ConstantEvaluator } from "./constant-evaluator.js";
import { discoverDecoratorUses, type DecoratorUse } from "./decorator-discovery.js";
import { nativeDecoratorEmit } from "./decorator-emit.js";
import type { AnalysisResult, AnalyzerSettings, JobAnalyzer } from "./job-analyzer.js";
import { readJobOptions } from "./job-options-reader.js";
import {
  JobTargetAnalyzer,
  type DependencyCandidate,
  type JobTarget,
} from "./job-target-analyzer.js";
import { PayloadShapeBuilder } from "./payload-shape-builder.js";
import { discoverPolicies, type DeclaredPolicy } from "./policy-discovery.js";
import { TypeReferenceResolver } from "./type-reference-resolver.js";
import { optionNameAt, optionNode } from "./option-locations.js";
import type { TypeScriptModule } from "./typescript-module.js";

/** A job that passed its own checks, before the checks across jobs and before its payload shape. */
interface JobCandidate {
  readonly model: JobModel;
  readonly nameNode: ts.Node;
  readonly dependencies: readonly DependencyCandidate[];
  readonly payload: JobTarget["payload"];
}

/**
 * The TypeScript 5/6 backend of {@link JobAnalyzer}, working on the `typescript` module instance the
 * program was created with (a ts-patch transformer passes the user's instance).
 *
 * @example
 * ```ts
 * const analyzer = createTypeScriptAnalyzer(ts, { projectRoot: "/app", generatedFiles: ["/app/src/jobs.generated.ts"] });
 * const { model, diagnostics } = analyzer.analyze(program);
 * ```
 */
export function createTypeScriptAnalyzer(
  typescript: TypeScriptModule,
  settings: AnalyzerSettings,
): JobAnalyzer {
  return {
    analyze: (program) => analyzeProgram(new AnalysisContext(typescript, program, settings)),
  };
}

function analyzeProgram(context: AnalysisContext): AnalysisResult {
  const evaluator = new ConstantEvaluator(context);
  const types = new TypeReferenceResolver(context);
  const targets = new JobTargetAnalyzer(context, types);
  const shapes = new PayloadShapeBuilder(context);
  const { uses, sourceFiles } = discoverDecoratorUses(context);
  // Program order depends on how a front end listed the root files; the output must not.
  const fileRank = new Map(
    sourceFiles
      .map((file) => file.fileName)
      .sort(compareText)
      .map((fileName, rank) => [fileName, rank]),
  );
  const rankOf = (use: DecoratorUse): number =>
    fileRank.get(use.call.getSourceFile().fileName) ?? 0;
  const orderedUses = [...uses].sort((a, b) => rankOf(a) - rankOf(b) || a.call.pos - b.call.pos);
  const policies = discoverPolicies(
    context,
    evaluator,
    sourceFiles.slice().sort((a, b) => compareText(a.fileName, b.fileName)),
  );
  const candidates: JobCandidate[] = [];
  for (const use of orderedUses) {
    const candidate = analyzeJob(context, use, evaluator, targets, policies);
    if (candidate !== null) candidates.push(candidate);
  }
  const unique = withoutDuplicates(context, candidates).sort((a, b) =>
    compareText(a.model.name, b.model.name),
  );
  const accepted = withoutConflictingServiceKeys(context, unique).flatMap((candidate) => {
    const model = withPayloadShape(context, shapes, candidate);
    return model === null ? [] : [model];
  });
  if (accepted.length > 0 && context.settings.compilerEmits !== false)
    reportNativeDecoratorEmit(context);
  const usedValidators = new Set(accepted.flatMap((job) => referencedValidators(job, shapes)));
  return {
    model: {
      jobs: accepted,
      policies: [...policies.values()]
        .map((declared) => declared.policy)
        .sort((a, b) => compareText(a.name, b.name)),
      validators: shapes.validators.filter((validator) => usedValidators.has(validator.name)),
    },
    // By place in the source, as compilers report, whatever order the checks ran in.
    diagnostics: [...context.diagnostics].sort(
      (a, b) =>
        compareText(a.file, b.file) ||
        a.start - b.start ||
        compareText(a.code, b.code) ||
        compareText(a.message, b.message),
    ),
    consultedFiles: sourceFiles.map((file) => path.resolve(file.fileName)).sort(),
  };
}

/** ELG033 at the tsconfig setting that makes the build emit `@ScheduledJob(...)` as written. */
function reportNativeDecoratorEmit(context: AnalysisContext): void {
  const problem = nativeDecoratorEmit(context.program.getCompilerOptions(), context.ts);
  if (problem === null || problem.location === null) return;
  context.reportIn(problem.location.sourceFile, problem.location.node, "nativeDecoratorEmit", [
    problem.reason,
    problem.fix,
  ]);
}

function analyzeJob(
  context: AnalysisContext,
  use: DecoratorUse,
  evaluator: ConstantEvaluator,
  targets: JobTargetAnalyzer,
  policies: ReadonlyMap<string, DeclaredPolicy>,
): JobCandidate | null {
  const diagnosticsBefore = context.diagnostics.length;
  const [nameArgument, optionsArgument] = use.call.arguments;
  const name = readJobName(context, evaluator, use, nameArgument);
  let options: ReturnType<typeof readJobOptions> = null;
  const evaluatedOptions =
    optionsArgument === undefined
      ? ({ ok: true, value: {} } as const)
      : evaluator.evaluate(optionsArgument);
  const isMethodJob = context.ts.isMethodDeclaration(use.target);
  if (!evaluatedOptions.ok) {
    if (evaluatedOptions.invalidPolicy)
      context.report("invalidResiliencePolicy", evaluatedOptions.node, [evaluatedOptions.reason]);
    else
      context.report("nonConstantOption", evaluatedOptions.node, [
        optionNameAt(context, evaluatedOptions.node, optionsArgument),
        evaluatedOptions.reason,
      ]);
  } else {
    options = readJobOptions(evaluatedOptions.value, isMethodJob, (kind, key, args) => {
      context.report(kind, optionNode(context, optionsArgument, key) ?? use.call, args);
    });
  }
  const target = targets.analyze(use.target, use.decorator);
  if (name === null || options === null || target === null) return null;

  const payload: JobModel["payload"] =
    target.target.kind === "class" ? { type: { kind: "global", text: "void" }, shape: null } : null;
  let resilience = options.resilience;
  if (typeof resilience === "string" && !policies.has(resilience)) {
    const known =
      [...policies.keys()]
        .sort()
        .map((policyName) => `"${policyName}"`)
        .join(", ") || "none";
    context.report(
      "unknownPolicyName",
      optionNode(context, optionsArgument, "resilience") ?? use.call,
      [name, resilience, known],
    );
  }
  if (
    resilience !== null &&
    typeof resilience === "object" &&
    samePolicy(resilience, policies.get(resilience.name)?.policy)
  ) {
    resilience = resilience.name;
  }
  if (context.hasErrorsSince(diagnosticsBefore)) return null;
  const sourceFile = use.target.getSourceFile();
  return {
    model: {
      name,
      jobClass: target.jobClass,
      target: target.target,
      supportsRuntimeScheduling: target.supportsRuntimeScheduling,
      ...options,
      resilience,
      dependencies: target.dependencies.map((dependency) => ({
        key: dependency.key,
        type: dependency.type,
      })),
      sourceFile: context.relativePath(sourceFile.fileName),
      payload,
    },
    nameNode: nameArgument ?? use.call,
    dependencies: target.dependencies,
    payload: target.payload,
  };
}

/**
 * Adds the payload shape; `null` when the payload is not JSON-safe. Called in job-name order, so
 * the names of shared validators do not depend on program order.
 */
function withPayloadShape(
  context: AnalysisContext,
  shapes: PayloadShapeBuilder,
  candidate: JobCandidate,
): JobModel | null {
  const payload = candidate.payload;
  if (payload === null) return candidate.model;
  const voidLike = context.ts.TypeFlags.Void | context.ts.TypeFlags.Undefined;
  if (payload.type.flags & voidLike)
    return { ...candidate.model, payload: { type: payload.reference, shape: null } };
  const diagnosticsBefore = context.diagnostics.length;
  const name = candidate.model.name;
  const built = shapes.build(payload.type);
  for (const problem of built.problems) {
    if (problem.kind === "ambiguous-date")
      context.report("payloadDate", payload.node, [name, problem.path, problem.reason]);
    else if (problem.kind === "unsafe")
      context.report("payloadNotJsonSafe", payload.node, [name, problem.path, problem.reason]);
    else
      context.report("unreadablePayloadType", payload.node, [name, problem.path, problem.reason]);
  }
  if (context.hasErrorsSince(diagnosticsBefore)) return null;
  return {
    ...candidate.model,
    payload: { type: payload.reference, shape: built.shape.kind === "any" ? null : built.shape },
  };
}

function readJobName(
  context: AnalysisContext,
  evaluator: ConstantEvaluator,
  use: DecoratorUse,
  argument: ts.Expression | undefined,
): string | null {
  if (argument === undefined) {
    context.report("nonLiteralJobName", use.call, [
      'it is missing; write @ScheduledJob("area.job-name")',
    ]);
    return null;
  }
  const evaluated = evaluator.evaluate(argument);
  if (!evaluated.ok) {
    context.report("nonLiteralJobName", evaluated.node, [evaluated.reason]);
    return null;
  }
  if (typeof evaluated.value !== "string" || evaluated.value.trim() === "") {
    const got =
      typeof evaluated.value === "string"
        ? "it is empty"
        : `it evaluates to ${String(evaluated.value)}`;
    context.report("nonLiteralJobName", argument, [got]);
    return null;
  }
  return evaluated.value;
}

/**
 * Keeps the first job of each name (in source order) and reports the others; likewise a class that
 * carries two class-job decorators, since `schedule(Class, ...)` must map to one job.
 */
function withoutDuplicates(
  context: AnalysisContext,
  candidates: readonly JobCandidate[],
): JobCandidate[] {
  const firstByName = new Map<string, JobCandidate>();
  const firstByClass = new Map<string, JobCandidate>();
  const kept: JobCandidate[] = [];
  for (const candidate of candidates) {
    const { model } = candidate;
    const first = firstByName.get(model.name);
    if (first !== undefined) {
      context.report("duplicateJobName", candidate.nameNode, [
        model.name,
        `${first.model.jobClass.className} (${context.describeLocation(first.nameNode)})`,
      ]);
      continue;
    }
    if (model.target.kind === "class") {
      const from = model.jobClass.from;
      const classKey = `${from.kind === "file" ? from.path : from.specifier}\0${model.jobClass.exportName}`;
      const sameClass = firstByClass.get(classKey);
      if (sameClass !== undefined) {
        context.report("duplicateJobClass", candidate.nameNode, [
          model.jobClass.className,
          sameClass.model.name,
          model.name,
        ]);
        continue;
      }
      firstByClass.set(classKey, candidate);
    }
    firstByName.set(model.name, candidate);
    kept.push(candidate);
  }
  return kept;
}

/** A service key must name one type across all jobs; a job that reuses it for another type is reported. */
function withoutConflictingServiceKeys(
  context: AnalysisContext,
  candidates: readonly JobCandidate[],
): JobCandidate[] {
  const ordered = [...candidates].sort((a, b) => compareText(a.model.name, b.model.name));
  const firstByKey = new Map<string, DependencyCandidate>();
  const kept: JobCandidate[] = [];
  for (const candidate of ordered) {
    let conflict = false;
    for (const dependency of candidate.dependencies) {
      const first = firstByKey.get(dependency.key);
      if (first === undefined) {
        firstByKey.set(dependency.key, dependency);
      } else if (first.identity !== dependency.identity) {
        context.report("conflictingServiceKey", dependency.node, [
          dependency.key,
          declaredAt(context, first),
          declaredAt(context, dependency),
        ]);
        conflict = true;
      }
    }
    if (!conflict) kept.push(candidate);
  }
  return kept;
}

function declaredAt(context: AnalysisContext, dependency: DependencyCandidate): string {
  const declaration = dependency.identity?.declarations?.[0];
  return declaration === undefined
    ? context.describeLocation(dependency.node)
    : context.describeLocation(declaration);
}

/** The named validators a job's payload uses, following refs transitively. */
function referencedValidators(job: JobModel, shapes: PayloadShapeBuilder): string[] {
  const byName = new Map(shapes.validators.map((validator) => [validator.name, validator.shape]));
  const seen = new Set<string>();
  const visit = (shape: PayloadShape | null): void => {
    if (shape === null) return;
    switch (shape.kind) {
      case "ref":
        if (seen.has(shape.name)) return;
        seen.add(shape.name);
        visit(byName.get(shape.name) ?? null);
        return;
      case "array":
        visit(shape.element);
        return;
      case "record":
        visit(shape.value);
        return;
      case "tuple":
        shape.elements.forEach((element) => visit(element.shape));
        visit(shape.rest);
        return;
      case "object":
        shape.properties.forEach((property) => visit(property.shape));
        visit(shape.index);
        return;
      case "union":
        shape.members.forEach(visit);
        return;
      case "discriminated-union":
        shape.cases.forEach((entry) => visit(entry.member));
        shape.others.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(job.payload?.shape ?? null);
  return [...seen];
}

function samePolicy(a: ResiliencePolicy, b: ResiliencePolicy | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
