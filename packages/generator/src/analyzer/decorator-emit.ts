import path from "node:path";
import type ts from "typescript";
import type { TypeScriptModule } from "./typescript-module.js";

/**
 * Where a tsconfig setting that decides how decorators are emitted is written: the file (the
 * project's tsconfig or one it extends) and the property, or `null` when the setting comes from a
 * default.
 */
export interface ConfigLocation {
  readonly sourceFile: ts.JsonSourceFile;
  readonly node: ts.Node | null;
}

/** Why the emitted JavaScript would keep decorator syntax, and where to fix it. */
export interface NativeDecoratorEmit {
  /** What makes the emit keep `@ScheduledJob(...)`, e.g. `"target" is "ESNext" and "experimentalDecorators" is off`. */
  readonly reason: string;
  /** What to set instead. */
  readonly fix: string;
  readonly location: ConfigLocation | null;
}

/**
 * Whether `tsc` with these options writes standard (TC39) decorators into the JavaScript as they
 * are, which no Node.js version parses. TypeScript lowers them unless all of these hold (measured
 * with TypeScript 5.9; its `getScriptTransformers` reads the same settings): the program emits
 * JavaScript, `experimentalDecorators` is off, the emit target is ESNext (`target` itself, or the
 * default of `"module": "NodeNext"`), and `useDefineForClassFields` is not `false`.
 *
 * @example
 * ```ts
 * nativeDecoratorEmit(program.getCompilerOptions(), ts);
 * // { reason: '"target" is "ESNext" and "experimentalDecorators" is off', fix: 'Set "target": "ES2022" ...', location }
 * ```
 */
export function nativeDecoratorEmit(
  options: ts.CompilerOptions,
  typescript: TypeScriptModule,
): NativeDecoratorEmit | null {
  if (
    options.noEmit === true ||
    options.emitDeclarationOnly === true ||
    options.experimentalDecorators === true
  )
    return null;
  if (options.useDefineForClassFields === false) return null;
  if (emitTarget(options, typescript) < typescript.ScriptTarget.ESNext) return null;
  const fix =
    'Set "target": "ES2022" (ES2023 and ES2024 lower decorators too), or "experimentalDecorators": true';
  const targetLocation = findCompilerOption(options, "target", typescript);
  if (targetLocation !== null || options.target !== undefined) {
    const written = stringValue(targetLocation?.node ?? null, typescript) ?? "ESNext";
    return {
      reason: `"target" is "${written}" and "experimentalDecorators" is off`,
      fix,
      location: targetLocation ?? configFileOf(options),
    };
  }
  return {
    reason: `"target" is not set, so "module": "${typescript.ModuleKind[options.module ?? 0] ?? ""}" makes it ESNext, and "experimentalDecorators" is off`,
    fix,
    location: findCompilerOption(options, "module", typescript) ?? configFileOf(options),
  };
}

/** The compiler's own emit target (it defaults from `module`), with a fallback for compilers that do not export it. */
function emitTarget(options: ts.CompilerOptions, typescript: TypeScriptModule): number {
  const own = (
    typescript as unknown as { getEmitScriptTarget?: (options: ts.CompilerOptions) => number }
  ).getEmitScriptTarget;
  if (typeof own === "function") return own(options);
  if (options.target !== undefined) return options.target;
  return options.module === typescript.ModuleKind.NodeNext
    ? typescript.ScriptTarget.ESNext
    : typescript.ScriptTarget.ES5;
}

/** The value of a `"key": "value"` property, as written. */
function stringValue(node: ts.Node | null, typescript: TypeScriptModule): string | null {
  return node !== null &&
    typescript.isPropertyAssignment(node) &&
    typescript.isStringLiteral(node.initializer)
    ? node.initializer.text
    : null;
}

function configFileOf(options: ts.CompilerOptions): ConfigLocation | null {
  const configFile = tsconfigSourceFile(options);
  return configFile === null ? null : { sourceFile: configFile, node: null };
}

/** The parsed tsconfig the compiler keeps in `options.configFile` (set by tsc and by `getParsedCommandLineOfConfigFile`). */
function tsconfigSourceFile(options: ts.CompilerOptions): ts.TsConfigSourceFile | null {
  const configFile = options["configFile"];
  return typeof configFile === "object" && configFile !== null && "statements" in configFile
    ? (configFile as ts.TsConfigSourceFile)
    : null;
}

/**
 * The `compilerOptions.<name>` property in the tsconfig or, when it does not set it, in the
 * files it extends (nearest first).
 */
function findCompilerOption(
  options: ts.CompilerOptions,
  name: string,
  typescript: TypeScriptModule,
): ConfigLocation | null {
  const configFile = tsconfigSourceFile(options);
  if (configFile === null) return null;
  const files: ts.JsonSourceFile[] = [configFile];
  for (const extended of configFile.extendedSourceFiles ?? []) {
    const text = typescript.sys.readFile(extended);
    if (text !== undefined) files.push(typescript.parseJsonText(path.resolve(extended), text));
  }
  for (const sourceFile of files) {
    const node = compilerOptionProperty(sourceFile, name, typescript);
    if (node !== null) return { sourceFile, node };
  }
  return null;
}

function compilerOptionProperty(
  sourceFile: ts.JsonSourceFile,
  name: string,
  typescript: TypeScriptModule,
): ts.Node | null {
  const root = sourceFile.statements[0]?.expression;
  if (root === undefined || !typescript.isObjectLiteralExpression(root)) return null;
  const compilerOptions = propertyNamed(root, "compilerOptions", typescript);
  if (
    compilerOptions === null ||
    !typescript.isObjectLiteralExpression(compilerOptions.initializer)
  )
    return null;
  return propertyNamed(compilerOptions.initializer, name, typescript);
}

function propertyNamed(
  object: ts.ObjectLiteralExpression,
  name: string,
  typescript: TypeScriptModule,
): ts.PropertyAssignment | null {
  for (const property of object.properties) {
    if (
      typescript.isPropertyAssignment(property) &&
      typescript.isStringLiteral(property.name) &&
      property.name.text === name
    )
      return property;
  }
  return null;
}
