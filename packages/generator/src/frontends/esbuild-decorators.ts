import type { BuildOptions } from "esbuild";
import ts from "typescript";

/** Why esbuild would keep decorator syntax in its output, and what to set instead. */
export interface EsbuildDecoratorProblem {
  readonly reason: string;
  readonly fix: string;
}

/**
 * Whether esbuild writes standard (TC39) decorators into its output as they are, which no Node.js
 * version parses. Measured with esbuild 0.28: it keeps them only when its target is `esnext` (the
 * default when `target` is not set; any engine or `es20xx` entry lowers them), the tsconfig it reads
 * does not set `experimentalDecorators`, and class fields use define semantics
 * (`useDefineForClassFields`, which esbuild defaults to `true` unless the tsconfig's `target` is
 * below ES2022). `supported: { decorators }` overrides the target. esbuild ignores the tsconfig's
 * `target` otherwise, so a tsconfig that is right for `tsc` can still be wrong here.
 *
 * `compilerOptions` are the project's parsed tsconfig options, used unless the build passes
 * `tsconfigRaw`.
 *
 * @example
 * ```ts
 * esbuildDecoratorProblem({ entryPoints: ["src/main.ts"], bundle: true }, parsed.options);
 * // { reason: "esbuild's target is esnext (its default: the build options set no target) ...", fix: 'Add target: "node20" ...' }
 * ```
 */
export function esbuildDecoratorProblem(
  build: BuildOptions,
  compilerOptions: ts.CompilerOptions,
): EsbuildDecoratorProblem | null {
  const tsconfig = rawCompilerOptions(build.tsconfigRaw) ?? {
    experimentalDecorators: compilerOptions.experimentalDecorators,
    useDefineForClassFields: compilerOptions.useDefineForClassFields,
    target:
      compilerOptions.target === undefined ? undefined : ts.ScriptTarget[compilerOptions.target],
  };
  if (tsconfig.experimentalDecorators === true) return null;
  const supported = build.supported?.["decorators"];
  if (supported === false) return null;
  const targets =
    build.target === undefined
      ? []
      : (Array.isArray(build.target) ? build.target : [build.target]).flatMap((entry) =>
          entry.split(","),
        );
  const keepsSyntax =
    supported === true || targets.every((entry) => entry.trim().toLowerCase() === "esnext");
  if (!keepsSyntax) return null;
  if (!usesDefineForClassFields(tsconfig)) return null;
  const because =
    supported === true
      ? "the build options declare `supported: { decorators: true }`"
      : build.target === undefined
        ? "esbuild's target is esnext (its default: the build options set no target)"
        : `esbuild's target is ${JSON.stringify(build.target)}`;
  return {
    reason: `${because} and the tsconfig does not set "experimentalDecorators"`,
    fix: 'Add target: "node20" (the Node.js version you run) to the esbuild build options, or set "experimentalDecorators": true in tsconfig.json',
  };
}

interface DecoratorSettings {
  readonly experimentalDecorators?: boolean | undefined;
  readonly useDefineForClassFields?: boolean | undefined;
  readonly target?: string | undefined;
}

/** esbuild's default: define semantics unless the tsconfig's target is below ES2022. */
function usesDefineForClassFields(settings: DecoratorSettings): boolean {
  if (settings.useDefineForClassFields !== undefined) return settings.useDefineForClassFields;
  const target = settings.target?.toLowerCase();
  if (target === undefined || target === "esnext" || target === "latest") return true;
  const year = /^es(\d{4})$/.exec(target)?.[1];
  return year !== undefined && Number(year) >= 2022;
}

function rawCompilerOptions(raw: BuildOptions["tsconfigRaw"]): DecoratorSettings | null {
  if (raw === undefined) return null;
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    const read = ts.parseConfigFileTextToJson("tsconfigRaw", raw);
    parsed = read.error === undefined ? read.config : {};
  }
  const options =
    typeof parsed === "object" && parsed !== null
      ? (parsed as { compilerOptions?: unknown }).compilerOptions
      : undefined;
  if (typeof options !== "object" || options === null) return {};
  const { experimentalDecorators, useDefineForClassFields, target } = options as Record<
    string,
    unknown
  >;
  return {
    experimentalDecorators:
      typeof experimentalDecorators === "boolean" ? experimentalDecorators : undefined,
    useDefineForClassFields:
      typeof useDefineForClassFields === "boolean" ? useDefineForClassFields : undefined,
    target: typeof target === "string" ? target : undefined,
  };
}
