import ts from "typescript";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The relative links of a markdown text (no `http(s):`, no same-page `#anchor`). */
export function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((match) => match[1] as string);
}

/** Whether a link written in `fromFile` reaches an existing file or directory, and its heading. */
export function linkTargetExists(fromFile: string, link: string): boolean {
  const [file = "", anchor] = link.split("#");
  const path = resolve(dirname(fromFile), file);
  if (anchor === undefined) return ts.sys.fileExists(path) || ts.sys.directoryExists(path);
  if (!ts.sys.fileExists(path)) return false;
  const headings = [...readFileSync(path, "utf8").matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
    headingSlug(match[1] as string),
  );
  return headings.includes(anchor);
}
