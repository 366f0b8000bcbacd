import { DIAGNOSTICS } from "../../packages/generator/src/diagnostics/diagnostic-table.js";

export const TABLE_START = "<!-- diagnostics-table:start -->";
export const TABLE_END = "<!-- diagnostics-table:end -->";

/**
 * What each code catches, in the README's words. The generator's messages (which also say how to
 * fix the problem) may be reworded freely; a new or removed code fails the README test until this
 * list and the README are updated.
 */
export const WHAT_IT_CATCHES: Readonly<Record<string, string>> = {
  ELG001: "Two jobs with the same name",
  ELG002: "A job name that is not a string literal or a `const` of one",
  ELG003: "A job class without `execute`",
  ELG004:
    "An `execute` with the wrong parameters (including a second one that cannot take the context) or return type",
  ELG005: "A job class that is not exported",
  ELG006: "An abstract job class",
  ELG007: "A generic job class",
  ELG008: "A job class the registry cannot construct (e.g. a private constructor)",
  ELG009: "A constructor parameter without a type annotation",
  ELG010: "A constructor parameter of a primitive type (no usable service key)",
  ELG011: "A constructor parameter typed `any` or `unknown`",
  ELG012: "A constructor parameter of a union or unnamed type",
  ELG013: "Two different types behind one service key",
  ELG014:
    "A payload that is not JSON-safe (functions, `bigint`, `Map`, `Set`, symbols, class instances with methods)",
  ELG015:
    "A place in a payload that may hold a `Date` or a `string`: stored, the two look alike, so a string arrives there",
  ELG016: "An invalid cron expression",
  ELG017: "A cron expression that never fires (e.g. February 30)",
  ELG018: "An unknown time zone",
  ELG019: "An invalid duration",
  ELG020: "Conflicting schedule options (two schedules, cron with `initialDelay`, ...)",
  ELG021: "A negative number where 0 or more is required",
  ELG022: "An invalid resilience policy (reported at the offending option)",
  ELG023: "Two resilience policies with the same name",
  ELG024: "An option that is not a literal or a `const`",
  ELG025: "An option with a value of the wrong kind",
  ELG026: "An unknown `@ScheduledJob` option",
  ELG027: "A decorated method with the wrong shape (e.g. a parameter that cannot take the context)",
  ELG028: "A reference to a resilience policy that is not declared",
  ELG029: "`@ScheduledJob` on something other than a class or a method",
  ELG030: "A stale generated file (`elarion-gen --check`)",
  ELG031: "A payload type the generator cannot check",
  ELG032: "One class decorated as two class jobs",
  ELG034:
    "A malformed configuration placeholder (`${}`, `${KEY`, `${KEY:-}`, or one inside a value such as `0 ${HOUR} * * *`)",
  ELG035: "A configuration placeholder in an option that does not take one (e.g. `group`)",
  ELG033:
    "Build settings that would emit decorator syntax Node.js cannot run (tsconfig `target` ESNext, or esbuild without `target`)",
};

/**
 * The README's diagnostics table, built from the generator's one table of codes, so the docs list
 * exactly the codes and severities the generator reports.
 */
export function renderDiagnosticsTable(): string {
  const rows = Object.values(DIAGNOSTICS)
    .slice()
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((diagnostic) => {
      const description = WHAT_IT_CATCHES[diagnostic.code];
      if (description === undefined) {
        throw new Error(
          `${diagnostic.code} has no README description: add it to WHAT_IT_CATCHES in test/readme/diagnostics-table.ts.`,
        );
      }
      return `| ${diagnostic.code} | ${diagnostic.category} | ${description} |`;
    });
  return ["| Code | Severity | What it catches |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The text between the table markers of the README. */
export function readmeDiagnosticsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md must contain ${TABLE_START} ... ${TABLE_END}`);
  return readme.slice(start + TABLE_START.length, end).trim();
}

/** The README with its table replaced by `table`. */
export function withDiagnosticsTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START) + TABLE_START.length;
  return `${readme.slice(0, start)}\n${table}\n${readme.slice(readme.indexOf(TABLE_END))}`;
}
