import path from "node:path";

/**
 * How relative import specifiers end, derived from the program's `module`/`moduleResolution`:
 * `"js"` for Node16/NodeNext (`./a.js`), `"none"` for bundler-style resolution (`./a`), `"ts"` when
 * `allowImportingTsExtensions` is on (`./a.ts`).
 */
export type ImportExtensionStyle = "js" | "none" | "ts";

const SOURCE_EXTENSION = /\.(d\.)?([mc]?)(ts|tsx)$/;

/**
 * The specifier that imports `targetFile` from a module located at `fromFile`.
 *
 * @example
 * ```ts
 * relativeModuleSpecifier("/app/src/jobs.generated.ts", "/app/src/jobs/send.ts", "js"); // "./jobs/send.js"
 * ```
 */
export function relativeModuleSpecifier(
  fromFile: string,
  targetFile: string,
  style: ImportExtensionStyle,
): string {
  let relative = path.relative(path.dirname(fromFile), targetFile).split(path.sep).join("/");
  if (!relative.startsWith(".")) relative = `./${relative}`;
  const match = SOURCE_EXTENSION.exec(relative);
  if (match === null) return relative;
  const stem = relative.slice(0, match.index);
  const [, declaration, moduleFlavour = "", kind] = match;
  if (style === "none") return stem;
  if (style === "ts" && declaration === undefined) return `${stem}.${moduleFlavour}${kind}`;
  // A .tsx module is imported as .js, like .ts: only the m/c flavour survives the rename.
  return `${stem}.${moduleFlavour}js`;
}
