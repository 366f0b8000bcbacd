import { compareText } from "../model/ordinal-order.js";
import type { ImportedName, ModuleReference } from "../model/type-reference.js";
import { relativeModuleSpecifier, type ImportExtensionStyle } from "./module-specifier.js";

interface ImportEntry {
  readonly specifier: string;
  readonly exportName: string;
  readonly localName: string;
  usedAsValue: boolean;
}

/**
 * Collects the imports of one generated module and gives every imported name a stable local alias:
 * the first name wins its own spelling, later different names with the same spelling get `_2`,
 * `_3`... Callers add names in a deterministic order, so aliases are stable.
 */
export class ImportTable {
  private readonly entries = new Map<string, ImportEntry>();
  private readonly taken = new Set<string>();

  constructor(
    private readonly fromFile: string,
    private readonly style: ImportExtensionStyle,
    reservedNames: readonly string[],
  ) {
    for (const name of reservedNames) this.taken.add(name);
  }

  /** Imports `exportName` of a package under its own name, which the caller reserved for it. */
  useFixed(specifier: string, exportName: string, asValue: boolean): string {
    const key = `${specifier}\0${exportName}`;
    const existing = this.entries.get(key);
    if (existing !== undefined) existing.usedAsValue ||= asValue;
    else
      this.entries.set(key, { specifier, exportName, localName: exportName, usedAsValue: asValue });
    return exportName;
  }

  /** The local name under which `name` is available; `asValue` when used in an expression. */
  use(name: ImportedName, asValue: boolean): string {
    const specifier = this.specifierOf(name.from);
    const key = `${specifier}\0${name.exportName}`;
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      existing.usedAsValue ||= asValue;
      return existing.localName;
    }
    const base =
      name.exportName === "default" ? safeIdentifier(name.declaredName) : name.exportName;
    let localName = base;
    for (let counter = 2; this.taken.has(localName); counter++) localName = `${base}_${counter}`;
    this.taken.add(localName);
    this.entries.set(key, {
      specifier,
      exportName: name.exportName,
      localName,
      usedAsValue: asValue,
    });
    return localName;
  }

  /** Import declarations sorted by specifier, one per module. */
  print(): string {
    const bySpecifier = new Map<string, ImportEntry[]>();
    for (const entry of this.entries.values()) {
      const list = bySpecifier.get(entry.specifier) ?? [];
      list.push(entry);
      bySpecifier.set(entry.specifier, list);
    }
    const lines: string[] = [];
    for (const specifier of [...bySpecifier.keys()].sort(compareSpecifiers)) {
      const entries = bySpecifier
        .get(specifier)!
        .sort(
          (a, b) =>
            compareText(a.localName.toLowerCase(), b.localName.toLowerCase()) ||
            compareText(a.localName, b.localName),
        );
      const allTypes = entries.every((entry) => !entry.usedAsValue);
      const names = entries.map((entry) => {
        const binding =
          entry.exportName === entry.localName
            ? entry.localName
            : `${entry.exportName} as ${entry.localName}`;
        return !allTypes && !entry.usedAsValue ? `type ${binding}` : binding;
      });
      lines.push(
        `import ${allTypes ? "type " : ""}{ ${names.join(", ")} } from ${JSON.stringify(specifier)};`,
      );
    }
    return lines.join("\n");
  }

  private specifierOf(from: ModuleReference): string {
    return from.kind === "package"
      ? from.specifier
      : relativeModuleSpecifier(this.fromFile, from.path, this.style);
  }
}

function safeIdentifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[A-Za-z_$]/.test(cleaned) && cleaned !== "default" ? cleaned : `_${cleaned}`;
}

/** Packages first, then relative paths; ordinal comparison so the order never depends on locale. */
function compareSpecifiers(a: string, b: string): number {
  const aRelative = a.startsWith(".");
  const bRelative = b.startsWith(".");
  if (aRelative !== bRelative) return aRelative ? 1 : -1;
  return compareText(a, b);
}
