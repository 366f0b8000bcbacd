/**
 * What every store can keep: the checks that make both stores accept exactly the same inputs.
 * PostgreSQL refuses a NUL character in `text` and `jsonb`, and a lone surrogate in `jsonb` (the
 * driver silently turns one in `text` into U+FFFD, so that would be stored altered); `JSON.stringify`
 * refuses cycles and BigInts; `timestamptz` and JS `Date` each cover a different span of time.
 * A call is checked before it is batched with others, so a bad one fails alone.
 */

/** The earliest instant both stores represent: PostgreSQL's first `timestamptz`, 4714-11-24T00:00:00Z BC (epoch ms). */
export const MIN_DUE_TIME_MS = -210_866_803_200_000;
/** The last instant both stores represent: the last JS `Date`, +275760-09-13T00:00:00Z (epoch ms). */
export const MAX_DUE_TIME_MS = 8_640_000_000_000_000;

/** A quick test for the characters that may need a closer look (a NUL, or any surrogate). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for NUL is the point (PostgreSQL cannot store it)
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Texts up to this length are scanned character by character: a payload's keys are mostly short,
 * and for them calling the regular expression costs more than the scan (checking `{ n: 1 }`:
 * ~21 -> ~15 ns; longer texts are faster through the expression, so the bound is low).
 */
const SHORT_TEXT = 8;

/** Why `text` cannot be stored as it is ("contains a NUL character (\u0000)"), or `null`. */
export function textProblem(text: string): string | null {
  if (text.length <= SHORT_TEXT) {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      // A NUL, or a surrogate (U+D800–U+DFFF): look closer.
      if (code === 0 || (code & 0xf800) === 0xd800) return suspectTextProblem(text);
    }
    return null;
  }
  if (!SUSPECT.test(text)) return null;
  return suspectTextProblem(text);
}

/** {@link textProblem} of a text holding a NUL or a surrogate. */
function suspectTextProblem(text: string): string | null {
  if (text.includes("\u0000"))
    return "contains a NUL character (\\u0000), which PostgreSQL cannot store";
  if (LONE_SURROGATE.test(text))
    return "contains a lone surrogate (half of a UTF-16 pair), which is not valid Unicode text";
  return null;
}

/**
 * Why `value` cannot be stored as JSON on every store, naming where inside it (`payload.items[3]`),
 * or `null`. Checks what `JSON.stringify` writes: values it drops (functions, `undefined`) are fine.
 * On every enqueue's path: the walk allocates nothing for a payload without a problem (the path is
 * built only for the problem found).
 */
export function jsonProblem(value: unknown, root: string): string | null {
  if (typeof value === "object" && value !== null) {
    let problem: Problem | null;
    try {
      problem = objectProblem(value, null);
    } catch (error) {
      if (error instanceof RangeError) return `${root} is nested too deeply to store`;
      throw error;
    }
    return problem === null ? null : problem.describe(root);
  }
  const problem = valueProblem(value, null);
  return problem === null ? null : problem.describe(root);
}

/** A problem found by the walk; the path is collected innermost first on the way back out. */
class Problem {
  readonly path: string[] = [];
  /** `reason` may name the root as `{root}`; `inKey`: the problem is in a key, not a value. */
  constructor(
    readonly reason: string,
    readonly inKey = false,
  ) {}

  describe(root: string): string {
    const where = root + this.path.reverse().join("");
    const reason = this.reason.replace("{root}", root);
    return this.inKey ? `a key of ${where} ${reason}` : `${where} ${reason}`;
  }
}

/** Objects on the path from the root, innermost last: meeting one again is a cycle. */
interface Ancestors {
  readonly value: object;
  readonly parent: Ancestors | null;
}

function valueProblem(value: unknown, ancestors: Ancestors | null): Problem | null {
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value);
      return problem === null ? null : new Problem(problem);
    }
    case "bigint":
      return new Problem(
        "is a BigInt, which JSON cannot hold; pass it as a string (String(value)) or a number",
      );
    case "object":
      return value === null ? null : objectProblem(value, ancestors);
    default:
      return null;
  }
}

function objectProblem(value: object, ancestors: Ancestors | null): Problem | null {
  for (let ancestor = ancestors; ancestor !== null; ancestor = ancestor.parent) {
    if (ancestor.value === value)
      return new Problem(
        `refers back to ${ancestor.parent === null ? "{root}" : "an enclosing value"} (a cycle), which JSON cannot hold`,
      );
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return serializedProblem(value);
  const inside: Ancestors = { value, parent: ancestors };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = valueProblem(value[index], inside);
      if (problem !== null) {
        problem.path.push(`[${index}]`);
        return problem;
      }
    }
    return null;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const keyProblem = textProblem(key);
    if (keyProblem !== null) return new Problem(keyProblem, true);
    const problem = valueProblem((value as Record<string, unknown>)[key], inside);
    if (problem !== null) {
      problem.path.push(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
      return problem;
    }
  }
  return null;
}

/** A value with its own `toJSON` (rare in a stored payload): check what it serializes to. */
function serializedProblem(value: object): Problem | null {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return new Problem(
      `cannot be turned into JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return json === undefined ? null : valueProblem(JSON.parse(json) as unknown, null);
}
