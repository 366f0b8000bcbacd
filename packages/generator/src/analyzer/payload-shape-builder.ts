import type ts from "typescript";
import type {
  NamedValidator,
  PayloadShape,
  PropertyShape,
  TupleElementShape,
} from "../model/payload-shape.js";
import type { AnalysisContext } from "./analysis-context.js";

/** A payload type that cannot be sent as JSON, found at `path`. */
export interface PayloadProblem {
  readonly path: string;
  readonly reason: string;
  /**
   * `"unsafe"`: not JSON (ELG014); `"ambiguous-date"`: a Date the stored form cannot tell from a
   * string in the same union (warning, ELG015); `"unreadable"`: outside the supported subset (ELG031).
   */
  readonly kind: "unsafe" | "ambiguous-date" | "unreadable";
}

const NOT_JSON_OBJECTS = new Set([
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "Promise",
  "RegExp",
  "Error",
  "Function",
  "ArrayBuffer",
  "Uint8Array",
  "Buffer",
  "URL",
]);

/**
 * Turns payload types into {@link PayloadShape}s for the JSON subset, sharing one table of named
 * validators across all jobs of the program: each object type becomes one named validator (which
 * is how nested and recursive types are expressed), identified by the checker's type identity.
 */
export class PayloadShapeBuilder {
  readonly validators: NamedValidator[] = [];
  private readonly nameByType = new Map<ts.Type, string>();
  private readonly takenNames = new Set<string>();
  private problems: PayloadProblem[] = [];

  constructor(private readonly context: AnalysisContext) {}

  /** The shape of a job's payload, or the problems that make it unusable (an ambiguous Date only warns). */
  build(type: ts.Type): { shape: PayloadShape; problems: readonly PayloadProblem[] } {
    this.problems = [];
    const pending = this.validators.length;
    const shape = this.shapeOf(type, "payload");
    if (this.problems.some((problem) => problem.kind !== "ambiguous-date")) {
      // Forget validators of a rejected payload so the printed module only holds used ones.
      for (const removed of this.validators.splice(pending)) {
        this.takenNames.delete(removed.name);
        for (const [known, name] of this.nameByType)
          if (name === removed.name) this.nameByType.delete(known);
      }
    }
    return { shape, problems: this.problems };
  }

  private shapeOf(type: ts.Type, path: string): PayloadShape {
    const ts = this.context.ts;
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: "any" };
    if (flags & ts.TypeFlags.StringLiteral)
      return { kind: "literal", value: (type as ts.StringLiteralType).value };
    if (flags & ts.TypeFlags.NumberLiteral)
      return { kind: "literal", value: (type as ts.NumberLiteralType).value };
    if (flags & ts.TypeFlags.BooleanLiteral)
      return { kind: "literal", value: this.context.checker.typeToString(type) === "true" };
    if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping))
      return { kind: "string" };
    if (flags & ts.TypeFlags.Number) return { kind: "number" };
    if (flags & ts.TypeFlags.Boolean) return { kind: "boolean" };
    if (flags & ts.TypeFlags.Null) return { kind: "null" };
    if (flags & (ts.TypeFlags.BigInt | ts.TypeFlags.BigIntLiteral))
      return this.problem(path, "bigint is not JSON; send it as a string", "unsafe");
    if (flags & (ts.TypeFlags.ESSymbol | ts.TypeFlags.UniqueESSymbol))
      return this.problem(path, "a symbol is not JSON", "unsafe");
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))
      return this.problem(
        path,
        "undefined is not JSON; make the property optional instead",
        "unsafe",
      );
    if (flags & ts.TypeFlags.Union) return this.union(type as ts.UnionType, path);
    if (flags & ts.TypeFlags.Intersection)
      return this.intersection(type as ts.IntersectionType, path);
    if (flags & ts.TypeFlags.Object) return this.objectLike(type as ts.ObjectType, path);
    if (flags & ts.TypeFlags.TypeParameter)
      return this.problem(path, "a type parameter cannot be checked at run time", "unreadable");
    return this.problem(
      path,
      `the type ${this.context.checker.typeToString(type)} is not supported`,
      "unreadable",
    );
  }

  private union(type: ts.UnionType, path: string): PayloadShape {
    const ts = this.context.ts;
    if (type.types.some((member) => member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))) {
      return this.problem(
        path,
        "undefined is not JSON; make the property optional instead",
        "unsafe",
      );
    }
    return this.unionOf(type.types, path);
  }

  private unionOf(members: readonly ts.Type[], path: string): PayloadShape {
    const ts = this.context.ts;
    const isLiteral = (member: ts.Type, text: string): boolean =>
      (member.flags & ts.TypeFlags.BooleanLiteral) !== 0 &&
      this.context.checker.typeToString(member) === text;
    const booleanMembers =
      members.some((member) => isLiteral(member, "true")) &&
      members.some((member) => isLiteral(member, "false"));
    const discriminated = this.discriminatedUnion(members, path);
    if (discriminated !== null) return discriminated;
    const shapes: PayloadShape[] = [];
    if (booleanMembers) shapes.push({ kind: "boolean" });
    // The checker orders union members by type id, which depends on what it checked first; a
    // canonical order keeps the output identical across front ends.
    for (const member of this.canonicalOrder(members)) {
      if (booleanMembers && member.flags & ts.TypeFlags.BooleanLiteral) continue;
      const shape = this.shapeOf(member, path);
      if (shape.kind === "any") return shape;
      shapes.push(this.isSimple(shape) ? shape : this.hoist(member, shape));
    }
    if (
      shapes.some((shape) => shape.kind === "date") &&
      shapes.some((shape) => shape.kind === "string")
    ) {
      const written = this.canonicalOrder(members)
        .map((member) => this.context.checker.typeToString(member))
        .join(" | ");
      this.problems.push({ path, reason: written, kind: "ambiguous-date" });
    }
    return shapes.length === 1 ? shapes[0]! : { kind: "union", members: shapes };
  }

  private intersection(type: ts.IntersectionType, path: string): PayloadShape {
    const ts = this.context.ts;
    // A branded primitive (`string & { __brand: "Email" }`) travels as the primitive.
    const primitive = type.types.find(
      (member) => member.flags & (ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean),
    );
    if (primitive !== undefined) return this.shapeOf(primitive, path);
    return this.namedObject(type, path);
  }

  private objectLike(type: ts.ObjectType, path: string): PayloadShape {
    const checker = this.context.checker;
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === "Date" && this.isLibraryType(type)) return { kind: "date" };
    if (symbolName !== undefined && NOT_JSON_OBJECTS.has(symbolName) && this.isLibraryType(type)) {
      return this.problem(
        path,
        `${symbolName} is not JSON; use a plain object or an array`,
        "unsafe",
      );
    }
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
      return this.problem(path, "a function is not JSON", "unsafe");
    }
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      return {
        kind: "array",
        element: element === undefined ? { kind: "any" } : this.shapeOf(element, `${path}[]`),
      };
    }
    if (checker.isTupleType(type)) return this.tuple(type as ts.TypeReference, path);
    const properties = checker.getPropertiesOfType(type);
    const stringIndex = checker.getIndexInfosOfType(type)[0];
    if (properties.length === 0 && stringIndex !== undefined) {
      return { kind: "record", value: this.shapeOf(stringIndex.type, `${path}[string]`) };
    }
    return this.namedObject(type, path);
  }

  private tuple(type: ts.TypeReference, path: string): PayloadShape {
    const ts = this.context.ts;
    const elementFlags = (type.target as ts.TupleType).elementFlags;
    const elements: TupleElementShape[] = [];
    let rest: PayloadShape | null = null;
    this.context.checker.getTypeArguments(type).forEach((element, position) => {
      const flags = elementFlags[position] ?? ts.ElementFlags.Required;
      const shape = this.shapeOf(element, `${path}[${position}]`);
      if (flags & ts.ElementFlags.Variable) rest = shape;
      else elements.push({ shape, optional: (flags & ts.ElementFlags.Optional) !== 0 });
    });
    return { kind: "tuple", elements, rest };
  }

  /** An object type as a named validator: registered before its properties, so recursion ends in a `ref`. */
  private namedObject(type: ts.Type, path: string): PayloadShape {
    const known = this.nameByType.get(type);
    const description = this.describe(type);
    if (known !== undefined) return { kind: "ref", name: known, description };
    const name = this.allocateName(type);
    this.nameByType.set(type, name);
    const slot = this.validators.length;
    this.validators.push({ name, shape: { kind: "any" } });
    this.validators[slot] = { name, shape: this.objectShape(type, path) };
    return { kind: "ref", name, description };
  }

  private objectShape(type: ts.Type, path: string): PayloadShape {
    const ts = this.context.ts;
    const checker = this.context.checker;
    const symbol = type.getSymbol();
    const properties: PropertyShape[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const propertyPath = `${path}.${property.getName()}`;
      if (property.flags & ts.SymbolFlags.Method) {
        const owner =
          symbol !== undefined && symbol.flags & ts.SymbolFlags.Class
            ? `an instance of class ${symbol.getName()} (it has methods)`
            : "a method";
        this.problem(propertyPath, `${owner} is not JSON; use a plain data type`, "unsafe");
        continue;
      }
      const propertyType = checker.getTypeOfSymbol(property);
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      // `x?: T` (and `x: T | undefined`) arrive as a missing property: check T when present.
      const members =
        propertyType.flags & ts.TypeFlags.Union
          ? (propertyType as ts.UnionType).types
          : [propertyType];
      const defined = members.filter(
        (member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)),
      );
      if (defined.length === 0) continue;
      const shape =
        defined.length === 1
          ? this.shapeOf(defined[0]!, propertyPath)
          : this.unionOf(defined, propertyPath);
      properties.push({
        name: property.getName(),
        optional: optional || defined.length < members.length,
        shape,
      });
    }
    const index = checker
      .getIndexInfosOfType(type)
      .find((info) => info.keyType.flags & ts.TypeFlags.String);
    return {
      kind: "object",
      properties,
      index: index === undefined ? null : this.shapeOf(index.type, `${path}[string]`),
    };
  }

  /**
   * Two or more object members that all carry one required literal-typed property with distinct
   * values (the discriminant, chosen by name order when several qualify); `null` otherwise.
   */
  private discriminatedUnion(members: readonly ts.Type[], path: string): PayloadShape | null {
    const ts = this.context.ts;
    const checker = this.context.checker;
    const objects = members.filter(
      (member) =>
        member.flags & ts.TypeFlags.Object &&
        !checker.isArrayType(member) &&
        !checker.isTupleType(member),
    );
    if (objects.length < 2) return null;
    const literalOf = (member: ts.Type, name: string): string | number | boolean | undefined => {
      const property = checker.getPropertyOfType(member, name);
      if (property === undefined || property.flags & ts.SymbolFlags.Optional) return undefined;
      const type = checker.getTypeOfSymbol(property);
      if (type.flags & ts.TypeFlags.StringLiteral) return (type as ts.StringLiteralType).value;
      if (type.flags & ts.TypeFlags.NumberLiteral) return (type as ts.NumberLiteralType).value;
      if (type.flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type) === "true";
      return undefined;
    };
    const candidates = checker
      .getPropertiesOfType(objects[0]!)
      .map((property) => property.getName())
      .sort();
    const discriminant = candidates.find((name) => {
      const values = objects.map((member) => literalOf(member, name));
      return values.every((value) => value !== undefined) && new Set(values).size === values.length;
    });
    if (discriminant === undefined) return null;
    const rest = members.filter((member) => !objects.includes(member));
    const others = rest.length === 0 ? null : this.unionOf(rest, path);
    if (others !== null && others.kind === "any") return others;
    const otherShapes = others === null ? [] : others.kind === "union" ? others.members : [others];
    const cases = this.canonicalOrder(objects).map((member) => ({
      value: literalOf(member, discriminant)!,
      member: this.hoist(member, this.shapeOf(member, path)),
    }));
    const description = [
      ...otherShapes.map((shape) =>
        shape.kind === "ref"
          ? shape.description
          : shape.kind === "literal"
            ? JSON.stringify(shape.value)
            : shape.kind,
      ),
      "object",
    ].join(" | ");
    return { kind: "discriminated-union", discriminant, cases, others: otherShapes, description };
  }

  private canonicalOrder(members: readonly ts.Type[]): ts.Type[] {
    const ts = this.context.ts;
    const rank = (member: ts.Type): number =>
      member.flags & ts.TypeFlags.Null
        ? 0
        : member.flags &
            (ts.TypeFlags.BooleanLike | ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike)
          ? 1
          : 2;
    const keyed = members.map((member) => ({
      member,
      rank: rank(member),
      text: this.context.checker.typeToString(member),
    }));
    keyed.sort((a, b) => a.rank - b.rank || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return keyed.map((entry) => entry.member);
  }

  private hoist(type: ts.Type, shape: PayloadShape): PayloadShape {
    if (shape.kind === "ref") return shape;
    const name = this.allocateName(type);
    this.validators.push({ name, shape });
    return { kind: "ref", name, description: this.describe(type) };
  }

  private isSimple(shape: PayloadShape): boolean {
    if (shape.kind === "discriminated-union") return false;
    return (
      shape.kind === "string" ||
      shape.kind === "number" ||
      shape.kind === "boolean" ||
      shape.kind === "null" ||
      shape.kind === "date" ||
      shape.kind === "literal" ||
      shape.kind === "ref"
    );
  }

  private allocateName(type: ts.Type): string {
    const symbolName = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
    const base = `check_${symbolName === undefined || symbolName.startsWith("__") ? "Object" : symbolName.replace(/[^A-Za-z0-9_$]/g, "_")}`;
    let name = base;
    for (let counter = 2; this.takenNames.has(name); counter++) name = `${base}_${counter}`;
    this.takenNames.add(name);
    return name;
  }

  private describe(type: ts.Type): string {
    const symbolName = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
    if (symbolName === undefined || symbolName.startsWith("__"))
      return this.context.checker.isArrayType(type) ? "array" : "object";
    return symbolName;
  }

  private isLibraryType(type: ts.Type): boolean {
    const declaration = type.getSymbol()?.declarations?.[0];
    if (declaration === undefined) return false;
    const file = declaration.getSourceFile();
    return (
      this.context.program.isSourceFileDefaultLibrary(file) ||
      this.context.program.isSourceFileFromExternalLibrary(file) ||
      file.isDeclarationFile
    );
  }

  private problem(path: string, reason: string, kind: PayloadProblem["kind"]): PayloadShape {
    this.problems.push({ path, reason, kind });
    return { kind: "any" };
  }
}
