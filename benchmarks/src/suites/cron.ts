import { CronExpressionParser } from "cron-parser";
import { parseCron } from "@elarion/runtime/policy";
import { Bench } from "tinybench";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { median } from "../support/statistics.js";

const SUITE = "7. cron next-time search";
/** Next-time questions per tinybench sample: one answer takes well under a microsecond. */
const CALLS_PER_SAMPLE = 100;
/** The instants asked about: a spread over 2026-2030, so zone tables and rare dates are exercised. */
const STARTS = Array.from(
  { length: CALLS_PER_SAMPLE },
  (_, index) => Date.parse("2026-01-01T00:00:00Z") + index * 17 * 86_400_000 + index * 3_600_000,
);

/** Everyday expressions, a daylight-saving zone, and the rare dates a short search horizon got wrong. */
const CASES = [
  { expression: "0 3 * * *", timeZone: "UTC", what: "daily, UTC" },
  { expression: "*/15 * * * *", timeZone: "Europe/Vienna", what: "quarter-hourly, Vienna" },
  { expression: "0 9 * * MON-FRI", timeZone: "America/New_York", what: "weekdays, New York" },
  { expression: "0 0 29 2 *", timeZone: "UTC", what: "29 February (years apart)" },
  { expression: "0 0 13 * FRI", timeZone: "UTC", what: "13th or Friday" },
] as const;

/**
 * Suite 7: the next fire time after a given instant, ours (`parseCron(...).nextAfter`) against
 * cron-parser's (`reset(instant)` then `next()` on a parsed expression), same expressions, same
 * instants. Parsing is outside the timed loop for both.
 */
export async function runCronSuite(mode: BenchMode): Promise<SuiteReport> {
  const rounds = sized(mode, 5, 1);
  const figures: Figure[] = [];
  for (const { expression, timeZone, what } of CASES) {
    const ours = parseCron(expression);
    const theirs = CronExpressionParser.parse(expression, {
      currentDate: new Date(STARTS[0]!),
      tz: timeZone,
    });
    for (const start of STARTS) {
      const expected = ours.nextAfter(start, timeZone);
      theirs.reset(new Date(start));
      if (theirs.next().getTime() !== expected) {
        throw new Error(
          `cron: "${expression}" in ${timeZone} after ${new Date(start).toISOString()}: the two answers differ; timing them would compare different work.`,
        );
      }
    }
    const nsPerCall = { ours: [] as number[], theirs: [] as number[] };
    for (let round = 0; round < rounds; round += 1) {
      const bench = new Bench({ time: sized(mode, 200, 20), warmupTime: sized(mode, 50, 5) });
      let sink = 0;
      bench.add("ours", () => {
        for (const start of STARTS) sink += ours.nextAfter(start, timeZone) ?? 0;
      });
      bench.add("cron-parser", () => {
        for (const start of STARTS) {
          theirs.reset(new Date(start));
          sink += theirs.next().getTime();
        }
      });
      await bench.run();
      if (sink === 0) throw new Error("cron: no answers were computed.");
      for (const task of bench.tasks) {
        const result = task.result;
        if (result === undefined || !("latency" in result))
          throw new Error(`cron: tinybench produced no result for ${task.name}.`);
        (task.name === "ours" ? nsPerCall.ours : nsPerCall.theirs).push(
          (result.latency.p50 * 1e6) / CALLS_PER_SAMPLE,
        );
      }
    }
    const oursNs = median(nsPerCall.ours);
    const theirsNs = median(nsPerCall.theirs);
    figures.push({
      suite: SUITE,
      measure: `next fire time, "${expression}" (${what}), µs`,
      ours: `${formatNumber(oursNs / 1000)} µs`,
      baseline: `cron-parser: ${formatNumber(theirsNs / 1000)} µs`,
      ratio: `${formatRatio(theirsNs / oursNs)} faster`,
      target: "≥ 5× faster",
      met: theirsNs / oursNs >= 5,
    });
  }
  return {
    suite: SUITE,
    figures,
    notes: [
      `cron: median of ${rounds} tinybench rounds of ${CALLS_PER_SAMPLE} questions each (instants spread over 2026-2030); both answers checked equal first; cron-parser 5.10.6 with its own time-zone handling (luxon).`,
    ],
  };
}
