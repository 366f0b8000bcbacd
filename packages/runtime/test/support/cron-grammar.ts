// Random cron expressions together with what they mean, for the differential test. The meaning is
// built here from the same random choices that print the text, without the runtime's parser, so the
// brute-force referee (cron-referee.ts) checks the parser as well as the search.

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;

/** A generated expression and the allowed values of each field as the documented rules read it. */
export interface GeneratedCron {
  readonly text: string;
  readonly hasSeconds: boolean;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0-6, Sunday = 0. */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthText: string;
  readonly dayOfWeekText: string;
  /** Vixie cron's star flag: the field starts with `*` (a step included) or is `?`. */
  readonly dayOfMonthIsStar: boolean;
  readonly dayOfWeekIsStar: boolean;
}

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  /** Where `*` and `a/n` end: 6 for day-of-week, whose 7 is only another name for Sunday. */
  readonly end: number;
  readonly names?: readonly string[];
  /** Percent weights of [*, * /n, a, a-b, a-b/n, a/n, list, ?]. */
  readonly weights: readonly number[];
}

const SECOND: FieldSpec = { min: 0, max: 59, end: 59, weights: [30, 20, 20, 10, 8, 4, 8, 0] };
const MINUTE: FieldSpec = { min: 0, max: 59, end: 59, weights: [25, 20, 25, 10, 8, 4, 8, 0] };
const HOUR: FieldSpec = { min: 0, max: 23, end: 23, weights: [30, 15, 25, 10, 8, 4, 8, 0] };
const DAY_OF_MONTH: FieldSpec = { min: 1, max: 31, end: 31, weights: [45, 10, 15, 8, 6, 4, 8, 4] };
const MONTH: FieldSpec = {
  min: 1,
  max: 12,
  end: 12,
  names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  weights: [55, 8, 12, 10, 5, 3, 7, 0],
};
const DAY_OF_WEEK: FieldSpec = {
  min: 0,
  max: 7,
  end: 6,
  names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
  weights: [45, 8, 15, 10, 6, 6, 6, 4],
};

/** The macros both this implementation and cron-parser read (`@midnight` is ours alone). */
const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const integer = (random: Random, from: number, to: number): number =>
  from + Math.floor(random() * (to - from + 1));
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

function weighted(random: Random, weights: readonly number[]): number {
  let roll = random() * weights.reduce((sum, weight) => sum + weight, 0);
  for (let index = 0; index < weights.length; index += 1) {
    roll -= weights[index]!;
    if (roll < 0) return index;
  }
  return weights.length - 1;
}

function valueText(random: Random, spec: FieldSpec, value: number): string {
  const name = spec.names?.[value - spec.min];
  if (name === undefined || random() < 0.7) return String(value);
  return random() < 0.5 ? name : name.toLowerCase();
}

function stepped(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

interface Item {
  readonly text: string;
  readonly values: readonly number[];
}

/** One list item: a value, a range, a range with a step, or a start with a step. */
function item(random: Random, spec: FieldSpec, kind: number): Item {
  const size = spec.end - spec.min + 1;
  switch (kind) {
    case 2: {
      const value = integer(random, spec.min, spec.max);
      return { text: valueText(random, spec, value), values: [value] };
    }
    case 3: {
      const from = integer(random, spec.min, spec.max);
      const to = integer(random, from, spec.max);
      return {
        text: `${valueText(random, spec, from)}-${valueText(random, spec, to)}`,
        values: stepped(from, to, 1),
      };
    }
    case 4: {
      const from = integer(random, spec.min, spec.max);
      const to = integer(random, from, spec.max);
      const step = integer(random, 1, Math.max(1, to - from));
      return {
        text: `${valueText(random, spec, from)}-${valueText(random, spec, to)}/${step}`,
        values: stepped(from, to, step),
      };
    }
    default: {
      // "a/n": from a to the end of the field; in day-of-week the end is Saturday unless a is 7.
      const from = integer(random, spec.min, spec.max);
      const step = integer(random, 1, size);
      return { text: `${from}/${step}`, values: stepped(from, Math.max(from, spec.end), step) };
    }
  }
}

function field(
  random: Random,
  spec: FieldSpec,
  allowQuestionMark: boolean,
): { text: string; values: Set<number> } {
  const weights = allowQuestionMark ? spec.weights : [...spec.weights.slice(0, 7), 0];
  const kind = weighted(random, weights);
  const all = stepped(spec.min, spec.end, 1);
  let text: string;
  let values: readonly number[];
  if (kind === 0) [text, values] = ["*", all];
  else if (kind === 7) [text, values] = ["?", all];
  else if (kind === 1) {
    const step = integer(random, 1, spec.end - spec.min + 1);
    [text, values] = [`*/${step}`, stepped(spec.min, spec.end, step)];
  } else if (kind === 6) {
    const items = Array.from({ length: integer(random, 2, 3) }, () =>
      item(random, spec, integer(random, 2, 5)),
    );
    [text, values] = [
      items.map((part) => part.text).join(","),
      items.flatMap((part) => part.values),
    ];
  } else {
    ({ text, values } = item(random, spec, kind));
  }
  // Day-of-week 7 is Sunday.
  return {
    text,
    values: new Set(values.map((value) => (spec === DAY_OF_WEEK && value === 7 ? 0 : value))),
  };
}

/** A random expression: 5 fields, sometimes 6 (seconds first), sometimes a macro. */
export function randomCron(random: Random, options: { seconds?: boolean } = {}): GeneratedCron {
  if (options.seconds === undefined && random() < 0.03) {
    const macro = pick(random, Object.keys(MACROS));
    return { ...readFields(random, MACROS[macro]!.split(" "), false), text: macro };
  }
  const hasSeconds = options.seconds ?? random() < 0.15;
  const second = hasSeconds ? field(random, SECOND, false) : { text: "0", values: new Set([0]) };
  const minute = field(random, MINUTE, false);
  const hour = field(random, HOUR, false);
  const dayOfMonth = field(random, DAY_OF_MONTH, true);
  const month = field(random, MONTH, false);
  const dayOfWeek = field(random, DAY_OF_WEEK, dayOfMonth.text !== "?");
  const parts = [minute, hour, dayOfMonth, month, dayOfWeek].map((part) => part.text);
  return {
    text: (hasSeconds ? [second.text, ...parts] : parts).join(" "),
    hasSeconds,
    seconds: second.values,
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: dayOfMonth.values,
    months: month.values,
    daysOfWeek: dayOfWeek.values,
    dayOfMonthText: dayOfMonth.text,
    dayOfWeekText: dayOfWeek.text,
    dayOfMonthIsStar: isStar(dayOfMonth.text),
    dayOfWeekIsStar: isStar(dayOfWeek.text),
  };
}

function isStar(text: string): boolean {
  return text.startsWith("*") || text === "?";
}

/** The meaning of a macro's plain fields (only `*` and single numbers occur in them). */
function readFields(
  _random: Random,
  [minute, hour, dayOfMonth, month, dayOfWeek]: string[],
  hasSeconds: boolean,
): GeneratedCron {
  const read = (text: string, spec: FieldSpec): Set<number> =>
    new Set(text === "*" ? stepped(spec.min, spec.end, 1) : [Number(text)]);
  return {
    text: "",
    hasSeconds,
    seconds: new Set([0]),
    minutes: read(minute!, MINUTE),
    hours: read(hour!, HOUR),
    daysOfMonth: read(dayOfMonth!, DAY_OF_MONTH),
    months: read(month!, MONTH),
    daysOfWeek: read(dayOfWeek!, DAY_OF_WEEK),
    dayOfMonthText: dayOfMonth!,
    dayOfWeekText: dayOfWeek!,
    dayOfMonthIsStar: isStar(dayOfMonth!),
    dayOfWeekIsStar: isStar(dayOfWeek!),
  };
}
