import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root: README paths and `file=` attributes are relative to it. */
export const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** One fenced code block of the README, with the `<!-- readme-check: ... -->` line above it. */
export interface ReadmeBlock {
  readonly language: string;
  readonly code: string;
  /** 1-based README line of the block's first code line. */
  readonly line: number;
  /** Attributes of the `readme-check` comment right above the fence, if any. */
  readonly check: Readonly<Record<string, string>> | null;
}

const FENCE = /^```(\S*)\s*$/;
const CHECK_COMMENT = /^<!--\s*readme-check:(.*)-->\s*$/;
const ATTRIBUTE = /(\w[\w-]*)=(?:"([^"]*)"|(\S+))/g;

export function readReadme(): string {
  return readFileSync(`${repositoryRoot}README.md`, "utf8");
}

/**
 * Splits markdown into its fenced blocks. A block may be preceded (directly, or with one blank
 * line) by `<!-- readme-check: file=path prelude="..." -->`, which says how the test compiles it.
 */
export function parseReadmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? "");
    if (open === null) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? "")) end++;
    if (end >= lines.length) throw new Error(`README.md:${index + 1}: code fence is never closed`);
    blocks.push({
      language: open[1] ?? "",
      code: lines.slice(start, end).join("\n"),
      line: start + 1,
      check: checkAbove(lines, index),
    });
    index = end;
  }
  return blocks;
}

function checkAbove(lines: readonly string[], fenceIndex: number): Record<string, string> | null {
  let previous = fenceIndex - 1;
  if ((lines[previous] ?? "").trim() === "") previous--;
  const comment = CHECK_COMMENT.exec(lines[previous] ?? "");
  if (comment === null) return null;
  const attributes: Record<string, string> = {};
  for (const match of (comment[1] ?? "").matchAll(ATTRIBUTE)) {
    attributes[match[1] as string] = match[2] ?? match[3] ?? "";
  }
  return attributes;
}
