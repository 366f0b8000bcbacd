import type { JobModel } from "../model/job-model.js";
import type { NamedValidator, PayloadShape } from "../model/payload-shape.js";

/** The payload codecs of a descriptors module. */
export interface PrintedCodecs {
  /** `dates_*` functions and `codec_*` consts, in print order. */
  readonly declarations: readonly string[];
  /** Job name → the name of its codec const; jobs whose payload holds no `Date` have none. */
  readonly codecNames: ReadonlyMap<string, string>;
  /** Every name the declarations introduce, so imports never take them. */
  readonly declaredNames: readonly string[];
  /** The runtime's date helpers the declarations call (`encodePayloadDate`, `decodePayloadDate`). */
  readonly helpers: readonly string[];
}

/**
 * Prints a `PayloadCodec` per job whose payload type holds a `Date`: `encode` copies the payload
 * with each Date replaced by its ISO string (the stored form), `decode` checks the stored payload
 * with the job's validator (a `TypeError` names the failing path) and copies it with each such
 * string turned back into a `Date`. Parts without dates are shared, not copied.
 *
 * One `dates_*` function per named validator that holds a Date (directly or through others) walks
 * a value of that type in either direction (`encode`), so recursive types recurse through them.
 * In a union, a stored string is read as a Date only where the union has no string member
 * (ELG015 warns about the others) and the string is none of its literals.
 *
 * @example
 * ```ts
 * const codecs = printPayloadCodecs(model.jobs, model.validators, validatorNames);
 * codecs.codecNames.get("reminders.send"); // "codec_reminders_send"
 * ```
 */
export function printPayloadCodecs(
  jobs: readonly JobModel[],
  validators: readonly NamedValidator[],
  validatorNames: ReadonlyMap<string, string>,
): PrintedCodecs {
  const withDates = validatorsWithDates(validators);
  const mapperOf = (validatorName: string): string =>
    `dates_${validatorName.replace(/^check_/, "")}`;
  const writer = new DateMapWriter(withDates, mapperOf);
  const declarations: string[] = [];
  const declaredNames: string[] = [];
  for (const validator of validators) {
    if (!withDates.has(validator.name)) continue;
    const name = mapperOf(validator.name);
    declaredNames.push(name);
    declarations.push(writer.namedFunction(name, validator.shape));
  }
  const codecNames = new Map<string, string>();
  for (const job of jobs) {
    const shape = job.payload?.shape ?? null;
    const validateName = validatorNames.get(job.name);
    if (shape === null || validateName === undefined || !containsDate(shape, withDates)) continue;
    const suffix = validateName.replace(/^validate_/, "");
    let mapper: string;
    if (shape.kind === "ref") {
      mapper = mapperOf(shape.name);
    } else {
      mapper = `dates_payload_${suffix}`;
      declaredNames.push(mapper);
      declarations.push(writer.namedFunction(mapper, shape));
    }
    const codecName = `codec_${suffix}`;
    declaredNames.push(codecName);
    codecNames.set(job.name, codecName);
    declarations.push(
      `const ${codecName}: PayloadCodec = {\n` +
        `  encode: (payload) => ${mapper}(payload, true),\n` +
        "  decode: (stored) => {\n" +
        `    const problem = ${validateName}(stored);\n` +
        "    if (problem !== null) throw new TypeError(problem);\n" +
        `    return ${mapper}(stored, false);\n` +
        "  },\n" +
        "};\n",
    );
  }
  return { declarations, codecNames, declaredNames, helpers: [...writer.helpers].sort() };
}

/** Names of the named validators whose shape holds a Date, following refs to a fixed point. */
function validatorsWithDates(validators: readonly NamedValidator[]): Set<string> {
  const found = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const validator of validators) {
      if (!found.has(validator.name) && containsDate(validator.shape, found)) {
        found.add(validator.name);
        changed = true;
      }
    }
  }
  return found;
}

function containsDate(shape: PayloadShape, withDates: ReadonlySet<string>): boolean {
  switch (shape.kind) {
    case "date":
      return true;
    case "ref":
      return withDates.has(shape.name);
    case "array":
      return containsDate(shape.element, withDates);
    case "record":
      return containsDate(shape.value, withDates);
    case "tuple":
      return (
        shape.elements.some((element) => containsDate(element.shape, withDates)) ||
        (shape.rest !== null && containsDate(shape.rest, withDates))
      );
    case "object":
      return (
        shape.properties.some((property) => containsDate(property.shape, withDates)) ||
        (shape.index !== null && containsDate(shape.index, withDates))
      );
    case "union":
      return shape.members.some((member) => containsDate(member, withDates));
    case "discriminated-union":
      return (
        shape.cases.some((entry) => containsDate(entry.member, withDates)) ||
        shape.others.some((member) => containsDate(member, withDates))
      );
    default:
      return false;
  }
}

/** Prints the code that maps the dates of a value of some shape, given as an expression. */
class DateMapWriter {
  private nextLocal = 0;
  /** Runtime helpers the printed code calls. */
  readonly helpers = new Set<string>();

  constructor(
    private readonly withDates: ReadonlySet<string>,
    private readonly mapperOf: (validatorName: string) => string,
  ) {}

  /** `function name(value, encode)`: an object is copied property by property, anything else mapped as an expression. */
  namedFunction(name: string, shape: PayloadShape): string {
    this.nextLocal = 0;
    const head = `function ${name}(value: unknown, encode: boolean): unknown {\n`;
    if (shape.kind === "object") return `${head}${this.objectBody(shape)}}\n`;
    return `${head}  return ${this.map(shape, "value") ?? "value"};\n}\n`;
  }

  private objectBody(shape: Extract<PayloadShape, { kind: "object" }>): string {
    let text =
      '  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;\n' +
      "  const fields = value as Record<string, unknown>;\n" +
      "  const copy: Record<string, unknown> = { ...fields };\n";
    for (const property of shape.properties) {
      const access = `fields[${JSON.stringify(property.name)}]`;
      const mapped = this.map(property.shape, access);
      if (mapped === null) continue;
      text += `  if (${access} !== undefined) copy[${JSON.stringify(property.name)}] = ${mapped};\n`;
    }
    if (shape.index !== null) {
      const mapped = this.map(shape.index, "item");
      if (mapped !== null) {
        const known = shape.properties.map(
          (property) => `key === ${JSON.stringify(property.name)}`,
        );
        text += "  for (const key in fields) {\n";
        if (known.length > 0) text += `    if (${known.join(" || ")}) continue;\n`;
        text += `    const item = fields[key];\n    if (item !== undefined) copy[key] = ${mapped};\n  }\n`;
      }
    }
    return `${text}  return copy;\n`;
  }

  /** An expression for `value` with its dates mapped, or `null` when the shape holds none. */
  private map(shape: PayloadShape, value: string): string | null {
    if (!containsDate(shape, this.withDates)) return null;
    switch (shape.kind) {
      case "date":
        return `(encode ? ${this.helper("encodePayloadDate")}(${value}) : ${this.helper("decodePayloadDate")}(${value}))`;
      case "ref":
        return `${this.mapperOf(shape.name)}(${value}, encode)`;
      case "array": {
        const item = this.local("item");
        return `(Array.isArray(${value}) ? ${value}.map((${item}: unknown) => ${this.map(shape.element, item) ?? item}) : ${value})`;
      }
      case "record": {
        const key = this.local("key");
        const item = this.local("item");
        return (
          `(typeof ${value} === "object" && ${value} !== null && !Array.isArray(${value}) ` +
          `? Object.fromEntries(Object.entries(${value}).map(([${key}, ${item}]) => [${key}, ${this.map(shape.value, item) ?? item}])) : ${value})`
        );
      }
      case "tuple": {
        const item = this.local("item");
        const index = this.local("index");
        const rest = shape.rest === null ? item : (this.map(shape.rest, item) ?? item);
        const branches = shape.elements
          .map((element, position) => ({ position, mapped: this.map(element.shape, item) }))
          .filter((entry) => entry.mapped !== null)
          .map((entry) => `${index} === ${entry.position} ? ${entry.mapped} : `)
          .join("");
        return `(Array.isArray(${value}) ? ${value}.map((${item}: unknown, ${index}: number) => ${branches}${rest}) : ${value})`;
      }
      case "union":
        return this.union(shape.members, value);
      case "discriminated-union": {
        const tag = `(${value} as Record<string, unknown>)[${JSON.stringify(shape.discriminant)}]`;
        const cases = shape.cases
          .filter((entry) => containsDate(entry.member, this.withDates))
          .map(
            (entry) =>
              `${tag} === ${JSON.stringify(entry.value)} ? ${this.map(entry.member, value)} : `,
          )
          .join("");
        const objects = cases === "" ? value : `${cases}${value}`;
        const others = this.union(shape.others, value) ?? value;
        return `(typeof ${value} === "object" && ${value} !== null && !Array.isArray(${value}) && !(${value} instanceof Date) ? ${objects} : ${others})`;
      }
      case "object":
        throw new Error("An object shape is always a named validator (analyzer bug).");
      default:
        return null;
    }
  }

  /** Union members are simple shapes and refs: a Date leaf for the simple side, a ref mapper for objects. */
  private union(members: readonly PayloadShape[], value: string): string | null {
    if (!members.some((member) => containsDate(member, this.withDates))) return null;
    let leaf = value;
    if (members.some((member) => member.kind === "date")) {
      const literals = members.flatMap((member) =>
        member.kind === "literal" && typeof member.value === "string" ? [member.value] : [],
      );
      // With a string member a stored string stays a string (ELG015); a literal is never a date.
      const decoded = members.some((member) => member.kind === "string")
        ? value
        : literals.length === 0
          ? `${this.helper("decodePayloadDate")}(${value})`
          : `(${literals.map((literal) => `${value} === ${JSON.stringify(literal)}`).join(" || ")} ? ${value} : ${this.helper("decodePayloadDate")}(${value}))`;
      leaf = `(encode ? ${this.helper("encodePayloadDate")}(${value}) : ${decoded})`;
    }
    const refs = members.filter(
      (member): member is Extract<PayloadShape, { kind: "ref" }> => member.kind === "ref",
    );
    if (!refs.some((ref) => this.withDates.has(ref.name))) return leaf;
    const mapRef = (ref: Extract<PayloadShape, { kind: "ref" }>): string =>
      this.withDates.has(ref.name) ? `${this.mapperOf(ref.name)}(${value}, encode)` : value;
    // Several object members: the first whose validator accepts the value (as the validator chose it).
    const objects =
      refs.length === 1
        ? mapRef(refs[0]!)
        : `${refs.map((ref) => `${ref.name}(${value}) === null ? ${mapRef(ref)} : `).join("")}${value}`;
    return `(typeof ${value} === "object" && ${value} !== null && !(${value} instanceof Date) ? ${objects} : ${leaf})`;
  }

  private helper(name: "encodePayloadDate" | "decodePayloadDate"): string {
    this.helpers.add(name);
    return name;
  }

  private local(base: string): string {
    return `${base}${this.nextLocal++}`;
  }
}
