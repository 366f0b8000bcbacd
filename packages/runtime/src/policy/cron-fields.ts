// The syntax half of cron: text → the set of allowed values per field. Kept apart from the
// next-time search so the generator's error messages and the runtime's come from one table.

/** The allowed values of each cron field, as lookup tables indexed by value. */
export interface CronFields {
  readonly seconds: readonly boolean[]; // 0-59; [0] only when the expression has 5 fields
  readonly minutes: readonly boolean[]; // 0-59
  readonly hours: readonly boolean[]; // 0-23
  readonly daysOfMonth: readonly boolean[]; // 1-31 (index 0 unused)
  readonly months: readonly boolean[]; // 1-12 (index 0 unused)
  readonly daysOfWeek: readonly boolean[]; // 0-6, Sunday = 0 (7 is folded into 0)
  /** Day-of-month written as `*` or `?` (Vixie cron's "star" flag: also `*` with a step). */
  readonly dayOfMonthIsStar: boolean;
  readonly dayOfWeekIsStar: boolean;
  readonly hasSeconds: boolean;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly example: string;
}

const SECOND: FieldSpec = { label: "second", min: 0, max: 59, example: "0, */15 or 0-30" };
const MINUTE: FieldSpec = { label: "minute", min: 0, max: 59, example: "0, */5 or 0,30" };
const HOUR: FieldSpec = { label: "hour", min: 0, max: 23, example: "3, 9-17 or */6" };
const DAY_OF_MONTH: FieldSpec = { label: "day-of-month", min: 1, max: 31, example: "1, 15 or 1-7" };
const MONTH: FieldSpec = {
  label: "month",
  min: 1,
  max: 12,
  names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  example: "1, JAN-MAR or */3",
};
const DAY_OF_WEEK: FieldSpec = {
  label: "day-of-week",
  min: 0,
  max: 7,
  names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
  example: "1-5, MON-FRI or SUN (0 and 7 are Sunday)",
};

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const FIELD_LAYOUT = "minute hour day-of-month month day-of-week";

/** A parse failure: the message says what is wrong and how to write it instead. */
export class CronSyntaxError extends Error {}

function fail(source: string, problem: string): never {
  throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(source)}: ${problem}`);
}

function parseValue(text: string, spec: FieldSpec, source: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      fail(
        source,
        `${spec.label} value ${value} is out of range ${spec.min}-${spec.max}; write e.g. ${spec.example}.`,
      );
    }
    return value;
  }
  const nameIndex = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return nameIndex + spec.min;
  if (/[LW#]/i.test(text)) {
    fail(
      source,
      `"${text}" in the ${spec.label} field uses L, W or #, which are not supported; list the days explicitly.`,
    );
  }
  const hint =
    spec.names === undefined
      ? ""
      : ` or a name (${spec.names[0]}-${spec.names[spec.names.length - 1]})`;
  return fail(
    source,
    `"${text}" is not a valid ${spec.label}; use a number ${spec.min}-${spec.max}${hint}, e.g. ${spec.example}.`,
  );
}

function parseField(
  text: string,
  spec: FieldSpec,
  source: string,
): { allowed: boolean[]; isStar: boolean } {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  const isStar = text.startsWith("*") || text === "?";
  for (const item of text.split(",")) {
    if (item === "")
      fail(
        source,
        `the ${spec.label} field ${JSON.stringify(text)} has an empty list item; separate values with single commas.`,
      );
    const [rangeText, stepText, extra] = item.split("/");
    if (extra !== undefined)
      fail(
        source,
        `"${item}" in the ${spec.label} field has more than one "/"; write a step once, e.g. */15.`,
      );
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        fail(
          source,
          `step "/${stepText}" in the ${spec.label} field must be a whole number of 1 or more, e.g. */15.`,
        );
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === "*" || rangeText === "?") {
      if (rangeText === "?" && (text !== "?" || (spec !== DAY_OF_MONTH && spec !== DAY_OF_WEEK))) {
        fail(
          source,
          `"?" may only stand alone in the day-of-month or day-of-week field; use "*" elsewhere.`,
        );
      }
      from = spec.min;
      to = spec === DAY_OF_WEEK ? 6 : spec.max;
    } else if (rangeText!.includes("-")) {
      const [fromText, toText, more] = rangeText!.split("-");
      if (more !== undefined || fromText === "" || toText === "") {
        fail(
          source,
          `"${rangeText}" in the ${spec.label} field is not a range; write it as start-end, e.g. ${spec.example}.`,
        );
      }
      from = parseValue(fromText!, spec, source);
      to = parseValue(toText!, spec, source);
      if (from > to) {
        fail(
          source,
          `range ${rangeText} in the ${spec.label} field runs backwards; write it as two ranges, e.g. ${fromText}-${spec.max},${spec.min}-${toText}.`,
        );
      }
    } else {
      from = parseValue(rangeText!, spec, source);
      // "5/15" means from 5 to the end of the field in steps of 15, as in Vixie cron. The week ends
      // on Saturday (6): 7 is another name for Sunday, not an eighth day, so "1/2" is Monday,
      // Wednesday, Friday; "7/n" starts and ends at Sunday (docs/semantics.md, "Cron").
      to = stepText === undefined ? from : spec === DAY_OF_WEEK ? Math.max(from, 6) : spec.max;
    }
    for (let value = from; value <= to; value += step) allowed[value] = true;
  }
  if (spec === DAY_OF_WEEK && allowed[7]) {
    allowed[0] = true;
    allowed.length = 7;
  } else if (spec === DAY_OF_WEEK) {
    allowed.length = 7;
  }
  return { allowed, isStar };
}

/**
 * Parses cron text into {@link CronFields}: 5 fields (minute hour day-of-month month day-of-week)
 * or 6 (second first), with `*`, `?`, lists, ranges, steps, month and weekday names and the macros
 * `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`. Throws {@link CronSyntaxError}.
 */
export function parseCronFields(source: string): CronFields {
  if (typeof source !== "string")
    fail(String(source), `expected a string such as "0 3 * * *", got ${typeof source}.`);
  const trimmed = source.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.startsWith("@")) {
    fail(
      source,
      `unknown macro ${JSON.stringify(trimmed)}; use one of ${Object.keys(MACROS).join(", ")} or write the fields.`,
    );
  }
  const parts = expanded === "" ? [] : expanded.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    fail(
      source,
      `it has ${parts.length} field(s); write 5 (${FIELD_LAYOUT}), e.g. "0 3 * * *", or 6 with seconds first, e.g. "30 0 3 * * *".`,
    );
  }
  const hasSeconds = parts.length === 6;
  const [secondText, minuteText, hourText, domText, monthText, dowText] = hasSeconds
    ? parts
    : ["0", ...parts];
  const dayOfMonth = parseField(domText!, DAY_OF_MONTH, source);
  const dayOfWeek = parseField(dowText!, DAY_OF_WEEK, source);
  return {
    seconds: parseField(secondText!, SECOND, source).allowed,
    minutes: parseField(minuteText!, MINUTE, source).allowed,
    hours: parseField(hourText!, HOUR, source).allowed,
    daysOfMonth: dayOfMonth.allowed,
    months: parseField(monthText!, MONTH, source).allowed,
    daysOfWeek: dayOfWeek.allowed,
    dayOfMonthIsStar: dayOfMonth.isStar,
    dayOfWeekIsStar: dayOfWeek.isStar,
    hasSeconds,
  };
}
