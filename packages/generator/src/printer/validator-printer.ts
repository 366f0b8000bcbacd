import type { NamedValidator, PayloadShape } from "../model/payload-shape.js";

/**
 * Prints payload validators as plain functions: no closures created per call, plain `for` loops,
 * and the failing path is only concatenated once a check has failed. A `Date` is checked with the
 * runtime's `isPayloadDate`, which the module must import. A named validator returns
 * the path relative to its value (`.items[2].qty: expected number`); the job's validator prefixes
 * `payload`.
 */
export function printNamedValidator(validator: NamedValidator): string {
  const body = new CheckWriter().check(validator.shape, "value", [], 1);
  return `function ${validator.name}(value: unknown): string | null {\n${body}  return null;\n}\n`;
}

/** The job's `validatePayload`: checks the payload and reports paths starting at `payload`. */
export function printPayloadValidator(functionName: string, shape: PayloadShape): string {
  const body = new CheckWriter().check(shape, "value", [{ text: "payload" }], 1);
  return `function ${functionName}(value: unknown): string | null {\n${body}  return null;\n}\n`;
}

/** A human description of what a shape accepts, for "expected ..." messages. */
export function describeShape(shape: PayloadShape): string {
  switch (shape.kind) {
    case "any":
      return "any value";
    case "string":
    case "number":
    case "boolean":
    case "null":
      return shape.kind;
    case "date":
      return "Date";
    case "literal":
      return JSON.stringify(shape.value);
    case "array":
      return "array";
    case "tuple": {
      const count = shape.elements.length;
      return `${shape.rest === null ? "tuple of" : "tuple of at least"} ${count} item${count === 1 ? "" : "s"}`;
    }
    case "record":
    case "object":
      return "object";
    case "union":
      return shape.members.map(describeShape).join(" | ");
    case "discriminated-union":
      return shape.description;
    case "ref":
      return shape.description;
  }
}

/** A failing path: literal text and run-time expressions (loop indexes, record keys). */
type PathPart = { readonly text: string } | { readonly code: string };
type Path = readonly PathPart[];

/** `path + suffix` as one expression, with adjacent literal parts folded into one string. */
function pathExpression(path: Path, suffix: PathPart[] = []): string {
  const parts: string[] = [];
  let text = "";
  for (const part of [...path, ...suffix]) {
    if ("text" in part) {
      text += part.text;
      continue;
    }
    if (text !== "" || parts.length === 0) parts.push(JSON.stringify(text));
    text = "";
    parts.push(part.code);
  }
  if (text !== "" || parts.length === 0) parts.push(JSON.stringify(text));
  return parts.join(" + ");
}

class CheckWriter {
  private nextLocal = 0;

  /** Statements that `return <path> + ": expected ..."` when `value` does not match `shape`. */
  check(shape: PayloadShape, value: string, path: Path, depth: number): string {
    const pad = "  ".repeat(depth);
    const fail = (what: string): string =>
      `return ${pathExpression(path, [{ text: `: expected ${what}` }])};`;
    switch (shape.kind) {
      case "any":
        return "";
      case "string":
      case "number":
      case "boolean":
      case "null":
      case "date":
      case "literal":
        return `${pad}if (${mismatch(shape, value)}) ${fail(describeShape(shape))}\n`;
      case "ref": {
        const error = this.local("error");
        return `${pad}const ${error} = ${shape.name}(${value});\n${pad}if (${error} !== null) return ${pathExpression(path, [{ code: error }])};\n`;
      }
      case "union": {
        const refs = shape.members.filter((member) => member.kind === "ref");
        const only = refs.length === 1 ? refs[0]! : null;
        if (only === null || only.kind !== "ref")
          return `${pad}if (${this.unionMismatch(shape.members, value)}) ${fail(describeShape(shape))}\n`;
        // With a single object-like member, an object that fails it is reported at the inner path.
        const simple = shape.members.filter((member) => member !== only);
        const error = this.local("error");
        return (
          `${pad}if (${this.unionMismatch(simple, value)}) {\n` +
          `${pad}  if (typeof ${value} !== "object" || ${value} === null) ${fail(describeShape(shape))}\n` +
          `${pad}  const ${error} = ${only.name}(${value});\n` +
          `${pad}  if (${error} !== null) return ${pathExpression(path, [{ code: error }])};\n` +
          `${pad}}\n`
        );
      }
      case "array": {
        const index = this.local("i");
        const item = this.local("item");
        const itemPath: Path = [...path, { text: "[" }, { code: index }, { text: "]" }];
        return (
          `${pad}if (!Array.isArray(${value})) ${fail("array")}\n` +
          `${pad}for (let ${index} = 0; ${index} < ${value}.length; ${index}++) {\n` +
          `${pad}  const ${item}: unknown = ${value}[${index}];\n` +
          this.check(shape.element, item, itemPath, depth + 1) +
          `${pad}}\n`
        );
      }
      case "tuple":
        return this.tuple(shape, value, path, depth);
      case "discriminated-union":
        return this.discriminatedUnion(shape, value, path, depth);
      case "record":
      case "object":
        return this.object(shape, value, path, depth);
    }
  }

  /** Selects the member by its discriminant, so the failing path points inside that member. */
  private discriminatedUnion(
    shape: Extract<PayloadShape, { kind: "discriminated-union" }>,
    value: string,
    path: Path,
    depth: number,
  ): string {
    const pad = "  ".repeat(depth);
    const tag = this.local("tag");
    const error = this.local("error");
    const tags = shape.cases.map((entry) => JSON.stringify(entry.value)).join(" | ");
    const notObject = pathExpression(path, [{ text: `: expected ${shape.description}` }]);
    const badTag = pathExpression(
      [...path, { text: propertyPath(shape.discriminant) }],
      [{ text: `: expected ${tags}` }],
    );
    let text = "";
    let inner = pad;
    if (shape.others.length > 0) {
      text += `${pad}if (${this.unionMismatch(shape.others, value)}) {\n`;
      inner = `${pad}  `;
    }
    text += `${inner}if (typeof ${value} !== "object" || ${value} === null || Array.isArray(${value})) return ${notObject};\n`;
    text += `${inner}const ${tag} = (${value} as Record<string, unknown>)[${JSON.stringify(shape.discriminant)}];\n`;
    text += `${inner}let ${error}: string | null;\n`;
    shape.cases.forEach((entry, index) => {
      const member = entry.member.kind === "ref" ? entry.member.name : "";
      text += `${inner}${index === 0 ? "" : "else "}if (${tag} === ${JSON.stringify(entry.value)}) ${error} = ${member}(${value});\n`;
    });
    text += `${inner}else return ${badTag};\n`;
    text += `${inner}if (${error} !== null) return ${pathExpression(path, [{ code: error }])};\n`;
    if (shape.others.length > 0) text += `${pad}}\n`;
    return text;
  }

  private tuple(
    shape: Extract<PayloadShape, { kind: "tuple" }>,
    value: string,
    path: Path,
    depth: number,
  ): string {
    const pad = "  ".repeat(depth);
    const required = shape.elements.filter((element) => !element.optional).length;
    const lengthChecks = [`${value}.length < ${required}`];
    if (shape.rest === null) lengthChecks.push(`${value}.length > ${shape.elements.length}`);
    const failure = pathExpression(path, [{ text: `: expected ${describeShape(shape)}` }]);
    let text = `${pad}if (!Array.isArray(${value}) || ${lengthChecks.join(" || ")}) return ${failure};\n`;
    shape.elements.forEach((element, position) => {
      const item = this.local("item");
      const itemPath: Path = [...path, { text: `[${position}]` }];
      const check = this.check(
        element.shape,
        item,
        itemPath,
        element.optional ? depth + 2 : depth + 1,
      );
      if (check === "") return;
      text += `${pad}{\n${pad}  const ${item}: unknown = ${value}[${position}];\n`;
      text += element.optional
        ? `${pad}  if (${item} !== undefined) {\n${check}${pad}  }\n`
        : check;
      text += `${pad}}\n`;
    });
    if (shape.rest !== null) {
      const index = this.local("i");
      const item = this.local("item");
      const check = this.check(
        shape.rest,
        item,
        [...path, { text: "[" }, { code: index }, { text: "]" }],
        depth + 1,
      );
      if (check !== "") {
        text += `${pad}for (let ${index} = ${shape.elements.length}; ${index} < ${value}.length; ${index}++) {\n`;
        text += `${pad}  const ${item}: unknown = ${value}[${index}];\n${check}${pad}}\n`;
      }
    }
    return text;
  }

  private object(
    shape: Extract<PayloadShape, { kind: "record" | "object" }>,
    value: string,
    path: Path,
    depth: number,
  ): string {
    const pad = "  ".repeat(depth);
    const fields = this.local("fields");
    const notObject = pathExpression(path, [{ text: ": expected object" }]);
    let text =
      `${pad}if (typeof ${value} !== "object" || ${value} === null || Array.isArray(${value})) return ${notObject};\n` +
      `${pad}const ${fields} = ${value} as Record<string, unknown>;\n`;
    const properties = shape.kind === "object" ? shape.properties : [];
    for (const property of properties) {
      if (property.shape.kind === "any") continue;
      const field = this.local("field");
      const fieldPath: Path = [...path, { text: propertyPath(property.name) }];
      text += `${pad}const ${field} = ${fields}[${JSON.stringify(property.name)}];\n`;
      if (property.optional) {
        text += `${pad}if (${field} !== undefined) {\n${this.check(property.shape, field, fieldPath, depth + 1)}${pad}}\n`;
      } else {
        text += this.check(property.shape, field, fieldPath, depth);
      }
    }
    const indexShape = shape.kind === "record" ? shape.value : shape.index;
    if (indexShape !== null) {
      const key = this.local("key");
      const item = this.local("item");
      const itemPath: Path = [
        ...path,
        { text: "[" },
        { code: `JSON.stringify(${key})` },
        { text: "]" },
      ];
      const check = this.check(indexShape, item, itemPath, depth + 1);
      if (check !== "") {
        const known = properties.map((property) => `${key} === ${JSON.stringify(property.name)}`);
        text += `${pad}for (const ${key} in ${fields}) {\n`;
        if (known.length > 0) text += `${pad}  if (${known.join(" || ")}) continue;\n`;
        text += `${pad}  const ${item} = ${fields}[${key}];\n${pad}  if (${item} === undefined) continue;\n`;
        text += `${check}${pad}}\n`;
      }
    }
    return text;
  }

  /** A condition that is true when `value` matches none of `members`. */
  private unionMismatch(members: readonly PayloadShape[], value: string): string {
    return members
      .map((member) => {
        const condition =
          member.kind === "ref" ? `${member.name}(${value}) !== null` : mismatch(member, value);
        return members.length > 1 && condition.includes("||") ? `(${condition})` : condition;
      })
      .join(" && ");
  }

  private local(base: string): string {
    return `${base}${this.nextLocal++}`;
  }
}

/** A condition that is true when `value` does not match a simple (non-container) shape. */
function mismatch(shape: PayloadShape, value: string): string {
  switch (shape.kind) {
    case "any":
      return "false";
    case "string":
    case "boolean":
      return `typeof ${value} !== "${shape.kind}"`;
    case "number":
      return `typeof ${value} !== "number" || !Number.isFinite(${value})`;
    case "null":
      return `${value} !== null`;
    case "date":
      // A Date or its stored ISO string: the same validator checks a payload at schedule and as stored.
      return `!isPayloadDate(${value})`;
    case "literal":
      return `${value} !== ${JSON.stringify(shape.value)}`;
    case "array":
      return `!Array.isArray(${value})`;
    default:
      throw new Error(
        `A ${shape.kind} shape inside a union must be a named validator (analyzer bug).`,
      );
  }
}

function propertyPath(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
