/**
 * The failure message of anything a job body may throw or reject with, including non-Errors and
 * values built to break whoever inspects them (a `message` getter that throws, a Proxy whose every
 * trap throws, an object whose `toString`/`toJSON` throw). Never throws itself: a job's failure
 * must never crash the scheduler. The text is storable anywhere (see {@link storableText}).
 */
export function messageOf(error: unknown): string {
  return storableText(rawMessageOf(error));
}

/**
 * The thrown value itself when it can be handed on safely (to a logger, to telemetry), else an
 * `Error` carrying its {@link messageOf}: an Error whose name, message or stack cannot be read, or
 * a value that throws when inspected, would crash whoever logs it.
 */
export function inspectableError(error: unknown): unknown {
  try {
    if (error === null || (typeof error !== "object" && typeof error !== "function")) return error;
    if (error instanceof Error) {
      // Each read may run a getter: all three must work for a logger to print the error.
      void String(error.name);
      void String(error.message);
      void String(error.stack);
      return error;
    }
    JSON.stringify(error);
    return error;
  } catch {
    return new Error(messageOf(error));
  }
}

/**
 * `text` with what PostgreSQL's `text` cannot hold replaced by U+FFFD: NUL characters and lone
 * surrogates (which cannot be encoded as UTF-8). Both stores record the same message.
 */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, "\uFFFD") : text;
}

const UNSTORABLE_SOURCE =
  "\\u0000|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]";
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, "g");

function rawMessageOf(error: unknown): string {
  let isError: boolean;
  try {
    isError = error instanceof Error;
  } catch {
    return UNINSPECTABLE; // a Proxy whose getPrototypeOf trap throws
  }
  if (isError) return errorMessageOf(error as Error);
  if (typeof error === "string") return error;
  if (typeof error === "symbol") return `non-Error thrown: ${safeString(error) ?? "a symbol"}`;
  try {
    const json = JSON.stringify(error);
    if (json !== undefined) return `non-Error thrown: ${json}`;
  } catch {
    // A cycle, a BigInt or a throwing toJSON: fall back to the plainer forms below.
  }
  const text = safeString(error);
  if (text !== null) return `non-Error thrown: ${text}`;
  try {
    return `non-Error thrown: ${Object.prototype.toString.call(error)}`;
  } catch {
    return UNINSPECTABLE;
  }
}

const UNINSPECTABLE = "non-Error thrown (a value that cannot be inspected)";

function errorMessageOf(error: Error): string {
  let message: unknown;
  try {
    message = error.message;
  } catch {
    return `${nameOf(error)} (its message could not be read: its getter threw)`;
  }
  const text = typeof message === "string" ? message : safeString(message);
  if (text === null) return `${nameOf(error)} (its message could not be read)`;
  return text === "" ? nameOf(error) : text;
}

function nameOf(error: Error): string {
  try {
    const name = error.name;
    return typeof name === "string" && name !== "" ? name : "Error";
  } catch {
    return "Error";
  }
}

function safeString(value: unknown): string | null {
  try {
    return String(value);
  } catch {
    return null;
  }
}
