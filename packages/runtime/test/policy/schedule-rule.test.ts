import { describe, expect, it } from "vitest";
import {
  readScheduleRule,
  sameRecurrence,
  sameRule,
  scheduleSpecOf,
} from "../../src/policy/index.js";

describe("the rule of a schedule defined at run time", () => {
  it("normalises a definition: one schedule, intervals in ms, cron's zone defaulting to UTC, policy defaults", () => {
    expect(readScheduleRule({ cron: "0 3 * * *" })).toEqual({
      ok: true,
      rule: {
        cron: "0 3 * * *",
        timeZone: "UTC",
        fixedRateMs: null,
        fixedDelayMs: null,
        misfire: "fire-once",
        overlap: "skip",
        enabled: true,
      },
    });
    expect(
      readScheduleRule({
        fixedRate: "1.5s",
        overlap: "queue",
        misfire: "catch-up",
        enabled: false,
      }),
    ).toEqual({
      ok: true,
      rule: {
        cron: null,
        timeZone: null,
        fixedRateMs: 1_500,
        fixedDelayMs: null,
        misfire: "catch-up",
        overlap: "queue",
        enabled: false,
      },
    });
    expect(readScheduleRule({ fixedDelay: "01:00:00", timeZone: undefined })).toMatchObject({
      ok: true,
      rule: { fixedDelayMs: 3_600_000 },
    });
  });

  it("reports every problem at once, in the generator's words", () => {
    expect(
      readScheduleRule({
        cron: "61 * * * *",
        timeZone: "Nowhere/City",
        fixedDelay: "2x",
        color: "red",
      }),
    ).toEqual({
      ok: false,
      problems: [
        'Unknown option "color" of the schedule. Known options: cron, timeZone, fixedRate, fixedDelay, misfire, overlap, enabled.',
        'Invalid fixedDelay: "2x" is not a duration; use milliseconds (1500), a number with a unit ("50ms", "1.5s", "15m", "6h", "1d") or "hh:mm:ss".',
        expect.stringMatching(/^Invalid cron expression "61 \* \* \* \*"/),
        'Unknown time zone "Nowhere/City". Use an IANA time zone id such as "UTC" or "Europe/Vienna".',
        "Conflicting schedule options: a job has one schedule, but cron and fixedDelay are both set; keep one.",
      ],
    });
    expect(readScheduleRule(null)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^Invalid value for option schedule: null\./)],
    });
    expect(readScheduleRule({ fixedRate: "1m", enabled: "yes" })).toMatchObject({
      ok: false,
      problems: ['Invalid value for option enabled: "yes". Expected true or false.'],
    });
  });

  it("turns into the recurrence spec the runtime plans with; interval schedules start one interval after they are defined", () => {
    const read = (definition: object) => {
      const result = readScheduleRule(definition);
      if (!result.ok) throw new Error(result.problems.join(" "));
      return result.rule;
    };
    expect(scheduleSpecOf(read({ cron: "0 3 * * *", timeZone: "Europe/Vienna" }))).toEqual({
      kind: "cron",
      expression: "0 3 * * *",
      timeZone: "Europe/Vienna",
    });
    expect(scheduleSpecOf(read({ fixedRate: "1m" }))).toEqual({
      kind: "fixed-rate",
      intervalMs: 60_000,
      initialDelayMs: null,
      runOnStart: false,
    });
    expect(scheduleSpecOf(read({ fixedDelay: "1m" }))).toEqual({
      kind: "fixed-delay",
      delayMs: 60_000,
      initialDelayMs: null,
      runOnStart: false,
    });
    expect(
      sameRecurrence(read({ fixedRate: "1m" }), read({ fixedRate: 60_000, overlap: "queue" })),
    ).toBe(true);
    expect(sameRule(read({ fixedRate: "1m" }), read({ fixedRate: 60_000, overlap: "queue" }))).toBe(
      false,
    );
    expect(
      sameRecurrence(
        read({ cron: "0 3 * * *" }),
        read({ cron: "0 3 * * *", timeZone: "Europe/Vienna" }),
      ),
    ).toBe(false);
  });
});
