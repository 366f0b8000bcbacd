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
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as it is ("contains a NUL character (\u0000)"), or `null`. */
export function textProblem(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  if (text.includes("\u0000")) return "contains a NUL character (\\u0000), which PostgreSQL cannot store";
  if (LONE_SURROGATE.test(text)) return "contains a lone surrogate (half of a UTF-16 pair), which is not valid Unicode text";
  return null;
}

/**
 * Why `value` cannot be stored as JSON on every store, naming where inside it (`payload.items[3]`),
 * or `null`. Checks what `JSON.stringify` writes: values it drops (functions, `undefined`) are fine.
 */
export function jsonProblem(value: unknown, root: string): string | null {
  const walk = new JsonWalk();
  try {
    return walk.problemAt(value, root);
  } catch (error) {
    if (error instanceof RangeError) return `${root} is nested too deeply to store`;
    throw error;
  }
}

class JsonWalk {
  /** Objects on the path from the root: meeting one again is a cycle. */
  private readonly ancestors: object[] = [];

  problemAt(value: unknown, path: string): string | null {
    switch (typeof value) {
      case "string": {
        const problem = textProblem(value);
        return problem === null ? null : `${path} ${problem}`;
      }
      case "bigint":
        return `${path} is a BigInt, which JSON cannot hold; pass it as a string (String(value)) or a number`;
      case "object":
        return value === null ? null : this.objectProblem(value, path);
      default:
        return null;
    }
  }

  private objectProblem(value: object, path: string): string | null {
    if (this.ancestors.includes(value)) return `${path} refers back to ${this.pathOf(value, path)} (a cycle), which JSON cannot hold`;
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return this.serializedProblem(value, path);
    this.ancestors.push(value);
    try {
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          const problem = this.problemAt(value[index], `${path}[${index}]`);
          if (problem !== null) return problem;
        }
        return null;
      }
      for (const key of Object.keys(value)) {
        const keyProblem = textProblem(key);
        if (keyProblem !== null) return `a key of ${path} ${keyProblem}`;
        const problem = this.problemAt((value as Record<string, unknown>)[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
        if (problem !== null) return problem;
      }
      return null;
    } finally {
      this.ancestors.pop();
    }
  }

  /** A value with its own `toJSON` (rare in a stored payload): check what it serializes to. */
  private serializedProblem(value: object, path: string): string | null {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      return `${path} cannot be turned into JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (json === undefined) return null;
    return this.problemAt(JSON.parse(json) as unknown, path);
  }

  private pathOf(target: object, path: string): string {
    // The walk does not keep each ancestor's path; name the root when it is the one met again.
    return this.ancestors[0] === target ? path.replace(/[.[].*$/, "") : "an enclosing value";
  }
}
