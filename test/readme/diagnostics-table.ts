import { DIAGNOSTICS } from "../../packages/generator/src/diagnostics/diagnostic-table.js";

export const TABLE_START = "<!-- diagnostics-table:start -->";
export const TABLE_END = "<!-- diagnostics-table:end -->";

/**
 * The README's diagnostics table, rendered from the generator's one table of codes, so the docs
 * list exactly the codes the generator reports. Placeholders of a message are shown as `…`.
 */
export function renderDiagnosticsTable(): string {
  const rows = Object.values(DIAGNOSTICS)
    .slice()
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((diagnostic) => {
      const message = escapeForTableCell(diagnostic.message.replace(/\{\d+\}/g, "…"));
      return `| ${diagnostic.code} | ${diagnostic.category} | ${message} |`;
    });
  return ["| Code | Severity | Message (… is filled in) |", "| --- | --- | --- |", ...rows].join("\n");
}

/** Pipes would end the cell; `<T>` outside a code span would be eaten as an HTML tag. */
function escapeForTableCell(text: string): string {
  return text
    .split("`")
    .map((part, index) => (index % 2 === 0 ? part.replace(/</g, "&lt;") : part))
    .join("`")
    .replace(/\|/g, "\\|");
}

/** The text between the table markers of the README. */
export function readmeDiagnosticsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md must contain ${TABLE_START} ... ${TABLE_END}`);
  return readme.slice(start + TABLE_START.length, end).trim();
}

/** The README with its table replaced by `table`. */
export function withDiagnosticsTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START) + TABLE_START.length;
  return `${readme.slice(0, start)}\n${table}\n${readme.slice(readme.indexOf(TABLE_END))}`;
}
