/**
 * HTML that is safe to send: every page is built with the {@link html} tag, which escapes each
 * interpolated value unless it is already `SafeHtml`. Escaping is therefore the default and cannot
 * be forgotten at one call site; the only way to put markup into a page is to write it in a
 * template literal of this package. Job names, payloads, error messages, correlation ids and keys
 * are user data and always arrive here as plain strings.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** Markup built by {@link html}: interpolating it into another template inserts it as is. */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: markup, text (escaped), numbers, nothing, or lists of these. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | null
  | undefined
  | false
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * The template tag every page is written with.
 *
 * @example
 * ```ts
 * const cell = html`<td title="${job.lastError}">${job.jobName}</td>`; // both escaped
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let text = strings[0] ?? "";
  for (let index = 0; index < values.length; index++) {
    text += render(values[index] as HtmlValue) + (strings[index + 1] ?? "");
  }
  return new SafeHtml(text);
}
