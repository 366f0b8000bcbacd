import { describe, expect, it } from "vitest";
import { cronNeverFiresReason, parseCron, tryParseCron } from "../../src/policy/cron.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The next `count` fire instants after `fromIso`, as ISO strings. */
function firesAfter(
  expression: string,
  fromIso: string,
  timeZone: string,
  count: number,
): (string | null)[] {
  const cron = parseCron(expression);
  const fires: (string | null)[] = [];
  let cursor: number | null = at(fromIso);
  for (let index = 0; index < count && cursor !== null; index += 1) {
    cursor = cron.nextAfter(cursor, timeZone);
    fires.push(iso(cursor));
  }
  return fires;
}

function parseError(expression: string): string {
  const result = tryParseCron(expression);
  if (result.ok) throw new Error(`expected ${JSON.stringify(expression)} to be rejected`);
  return result.error;
}

describe("reading cron expressions", () => {
  it("a 5-field expression fires on whole minutes and reports no seconds field", () => {
    const cron = parseCron("15 3 * * *");
    expect(cron.hasSeconds).toBe(false);
    expect(cron.source).toBe("15 3 * * *");
    expect(iso(cron.nextAfter(at("2026-01-01T00:00:00Z"), "UTC"))).toBe("2026-01-01T03:15:00.000Z");
  });

  it("a 6-field expression takes seconds first", () => {
    const cron = parseCron("30 15 3 * * *");
    expect(cron.hasSeconds).toBe(true);
    expect(iso(cron.nextAfter(at("2026-01-01T00:00:00Z"), "UTC"))).toBe("2026-01-01T03:15:30.000Z");
  });

  it("an every-second expression fires on each second", () => {
    expect(firesAfter("* * * * * *", "2026-01-01T00:00:00.250Z", "UTC", 3)).toEqual([
      "2026-01-01T00:00:01.000Z",
      "2026-01-01T00:00:02.000Z",
      "2026-01-01T00:00:03.000Z",
    ]);
  });

  it("lists, ranges and steps combine within a field", () => {
    expect(firesAfter("0,20-30/5,50 9 * * *", "2026-01-01T00:00:00Z", "UTC", 5)).toEqual([
      "2026-01-01T09:00:00.000Z",
      "2026-01-01T09:20:00.000Z",
      "2026-01-01T09:25:00.000Z",
      "2026-01-01T09:30:00.000Z",
      "2026-01-01T09:50:00.000Z",
    ]);
  });

  it("a step from a single value runs to the end of the field", () => {
    expect(firesAfter("0 20/2 * * *", "2026-01-01T00:00:00Z", "UTC", 3)).toEqual([
      "2026-01-01T20:00:00.000Z",
      "2026-01-01T22:00:00.000Z",
      "2026-01-02T20:00:00.000Z",
    ]);
  });

  it("month and weekday names are accepted in any case", () => {
    // 2026-03-02 is a Monday; mar-apr with mon,Fri.
    expect(firesAfter("0 9 * mar-APR mon,Fri", "2026-01-01T00:00:00Z", "UTC", 3)).toEqual([
      "2026-03-02T09:00:00.000Z",
      "2026-03-06T09:00:00.000Z",
      "2026-03-09T09:00:00.000Z",
    ]);
  });

  it("a question mark means any day, as in Quartz", () => {
    expect(firesAfter("0 0 9 ? * MON-FRI", "2026-01-02T12:00:00Z", "UTC", 2)).toEqual([
      "2026-01-05T09:00:00.000Z", // Friday 2 Jan 12:00 → Monday 5 Jan
      "2026-01-06T09:00:00.000Z",
    ]);
    expect(firesAfter("0 1 ? * *", "2026-01-01T00:00:00Z", "UTC", 2)).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-02T01:00:00.000Z",
    ]);
  });

  it("day-of-week 0 and 7 both mean Sunday", () => {
    const sundays = firesAfter("0 12 * * 0", "2026-01-01T00:00:00Z", "UTC", 2);
    expect(firesAfter("0 12 * * 7", "2026-01-01T00:00:00Z", "UTC", 2)).toEqual(sundays);
    expect(sundays[0]).toBe("2026-01-04T12:00:00.000Z");
    expect(firesAfter("0 12 * * 5-7", "2026-01-01T00:00:00Z", "UTC", 3)).toEqual([
      "2026-01-02T12:00:00.000Z",
      "2026-01-03T12:00:00.000Z",
      "2026-01-04T12:00:00.000Z",
    ]);
  });

  it("macros stand for their usual expressions", () => {
    expect(firesAfter("@daily", "2026-01-01T05:00:00Z", "UTC", 1)).toEqual([
      "2026-01-02T00:00:00.000Z",
    ]);
    expect(firesAfter("@hourly", "2026-01-01T05:10:00Z", "UTC", 1)).toEqual([
      "2026-01-01T06:00:00.000Z",
    ]);
    expect(firesAfter("@weekly", "2026-01-01T00:00:00Z", "UTC", 1)).toEqual([
      "2026-01-04T00:00:00.000Z",
    ]);
    expect(firesAfter("@monthly", "2026-01-01T00:00:00Z", "UTC", 1)).toEqual([
      "2026-02-01T00:00:00.000Z",
    ]);
    expect(firesAfter("@yearly", "2026-01-01T00:00:00Z", "UTC", 1)).toEqual([
      "2027-01-01T00:00:00.000Z",
    ]);
  });
});

describe("day-of-month and day-of-week together (Vixie cron rule)", () => {
  it("when both are restricted a day matching either fires", () => {
    // the 13th, or any Friday: Fri 6 Feb, Fri 13 Feb (both), Fri 20 Feb, Fri 27 Feb, Fri 6 Mar, Fri 13 Mar
    expect(firesAfter("0 0 13 * FRI", "2026-02-01T00:00:00Z", "UTC", 4)).toEqual([
      "2026-02-06T00:00:00.000Z",
      "2026-02-13T00:00:00.000Z",
      "2026-02-20T00:00:00.000Z",
      "2026-02-27T00:00:00.000Z",
    ]);
    expect(firesAfter("0 0 1 * MON", "2026-03-24T00:00:00Z", "UTC", 3)).toEqual([
      "2026-03-30T00:00:00.000Z",
      "2026-04-01T00:00:00.000Z", // a Wednesday: day-of-month matched
      "2026-04-06T00:00:00.000Z",
    ]);
  });

  it("a day-of-month starting with * counts as unrestricted, so both must match", () => {
    // odd days that are Mondays: 9 Feb, 23 Feb, 9 Mar
    expect(firesAfter("0 0 */2 * MON", "2026-02-03T00:00:00Z", "UTC", 3)).toEqual([
      "2026-02-09T00:00:00.000Z",
      "2026-02-23T00:00:00.000Z",
      "2026-03-09T00:00:00.000Z",
    ]);
  });

  it("a restricted day-of-month with any weekday fires only on those days", () => {
    expect(firesAfter("0 0 31 * *", "2026-01-31T00:00:00Z", "UTC", 3)).toEqual([
      "2026-03-31T00:00:00.000Z",
      "2026-05-31T00:00:00.000Z",
      "2026-07-31T00:00:00.000Z",
    ]);
  });
});

describe("nextAfter is strictly after", () => {
  it("asking at a fire instant returns the following one", () => {
    const cron = parseCron("0 3 * * *");
    expect(iso(cron.nextAfter(at("2026-01-01T03:00:00Z"), "UTC"))).toBe("2026-01-02T03:00:00.000Z");
  });

  it("asking a millisecond before a fire instant returns it", () => {
    const cron = parseCron("0 3 * * *");
    expect(iso(cron.nextAfter(at("2026-01-01T02:59:59.999Z"), "UTC"))).toBe(
      "2026-01-01T03:00:00.000Z",
    );
  });

  it("rolls over month and year ends, including leap days", () => {
    expect(firesAfter("0 0 29 2 *", "2026-01-01T00:00:00Z", "UTC", 2)).toEqual([
      "2028-02-29T00:00:00.000Z",
      "2032-02-29T00:00:00.000Z",
    ]);
    expect(firesAfter("59 23 31 12 *", "2026-12-31T23:59:00Z", "UTC", 1)).toEqual([
      "2027-12-31T23:59:00.000Z",
    ]);
  });

  it("a non-finite instant or unknown zone is rejected with a clear message", () => {
    const cron = parseCron("0 3 * * *");
    expect(() => cron.nextAfter(Number.NaN, "UTC")).toThrow(/afterMs must be a finite/);
    expect(() => cron.nextAfter(1e20, "Europe/Vienna")).toThrow(
      /within the range of Date \(from 3 January -271820 on\), got 100000000000000000000/,
    );
    expect(() => cron.nextAfter(0, "Europe/Viena")).toThrow(
      /Unknown time zone "Europe\/Viena".*IANA/,
    );
  });
});

describe("expressions that never fire", () => {
  it("February 30 never fires and says why", () => {
    const cron = parseCron("0 0 30 2 *");
    expect(cron.nextAfter(at("2026-01-01T00:00:00Z"), "UTC")).toBeNull();
    expect(cronNeverFiresReason(cron)).toMatch(/"0 0 30 2 \*" never fires: February has no day 30/);
  });

  it("the 31st of months with 30 days never fires", () => {
    const cron = parseCron("0 0 31 4,6,9,11 *");
    expect(cron.nextAfter(at("2026-01-01T00:00:00Z"), "Europe/Vienna")).toBeNull();
    expect(cronNeverFiresReason(cron)).toMatch(/April, June, September, November have no day 31/);
  });

  it("a leap day fires and is not reported", () => {
    expect(cronNeverFiresReason(parseCron("0 0 29 2 *"))).toBeNull();
  });

  it("February 30 or any Monday fires on Mondays", () => {
    const cron = parseCron("0 0 30 2 MON");
    expect(cronNeverFiresReason(cron)).toBeNull();
    expect(iso(cron.nextAfter(at("2026-02-01T00:00:00Z"), "UTC"))).toBe("2026-02-02T00:00:00.000Z");
  });

  it("ordinary expressions are not reported", () => {
    for (const expression of [
      "* * * * *",
      "0 3 * * *",
      "0 0 31 * *",
      "0 9 * * MON-FRI",
      "0 0 1 1 *",
    ]) {
      expect(cronNeverFiresReason(parseCron(expression)), expression).toBeNull();
    }
  });
});

describe("bad cron text gets an error that says what to write", () => {
  it("a wrong number of fields names the layout and gives examples", () => {
    expect(parseError("0 3 * *")).toMatch(
      /has 4 field\(s\); write 5 \(minute hour day-of-month month day-of-week\), e\.g\. "0 3 \* \* \*", or 6/,
    );
    expect(parseError("")).toMatch(/has 0 field/);
    expect(parseError("0 0 0 3 * * *")).toMatch(/has 7 field/);
  });

  it("an out-of-range value names the field and its range", () => {
    expect(parseError("60 * * * *")).toMatch(/minute value 60 is out of range 0-59/);
    expect(parseError("0 24 * * *")).toMatch(/hour value 24 is out of range 0-23/);
    expect(parseError("0 0 0 * *")).toMatch(/day-of-month value 0 is out of range 1-31/);
    expect(parseError("0 0 * 13 *")).toMatch(/month value 13 is out of range 1-12/);
    expect(parseError("0 0 * * 8")).toMatch(/day-of-week value 8 is out of range 0-7/);
    expect(parseError("60 0 0 * * *")).toMatch(/second value 60/);
  });

  it("unknown words, bad steps and backwards ranges are explained", () => {
    expect(parseError("0 0 * JANUARY *")).toMatch(
      /"JANUARY" is not a valid month; use a number 1-12 or a name \(JAN-DEC\)/,
    );
    expect(parseError("0 0 * * MON-XYZ")).toMatch(/"XYZ" is not a valid day-of-week/);
    expect(parseError("*/0 * * * *")).toMatch(
      /step "\/0" in the minute field must be a whole number of 1 or more/,
    );
    expect(parseError("0 22-2 * * *")).toMatch(
      /range 22-2 in the hour field runs backwards; write it as two ranges, e\.g\. 22-23,0-2/,
    );
    expect(parseError("0 0 1,,2 * *")).toMatch(/empty list item/);
    expect(parseError("0 0 L * *")).toMatch(/L, W or #, which are not supported/);
    expect(parseError("? * * * *")).toMatch(
      /"\?" may only stand alone in the day-of-month or day-of-week field/,
    );
    expect(parseError("@sometimes")).toMatch(/unknown macro "@sometimes"/);
  });

  it("parseCron throws the same message as a RangeError", () => {
    expect(() => parseCron("0 3 * *")).toThrow(RangeError);
    expect(() => parseCron("0 3 * *")).toThrow(parseError("0 3 * *"));
  });
});

describe("daylight saving in Europe/Vienna", () => {
  const vienna = "Europe/Vienna";

  it("a 02:30 daily cron does not fire on the Vienna spring-forward day", () => {
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that day.
    expect(firesAfter("30 2 * * *", "2026-03-27T12:00:00Z", vienna, 3)).toEqual([
      "2026-03-28T01:30:00.000Z", // 02:30 CET
      "2026-03-30T00:30:00.000Z", // 02:30 CEST, the day after
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("a 03:00 daily cron fires on the spring-forward day at the first instant of summer time", () => {
    expect(firesAfter("0 3 * * *", "2026-03-28T12:00:00Z", vienna, 1)).toEqual([
      "2026-03-29T01:00:00.000Z",
    ]);
  });

  it("a quarter-hourly cron jumps over the skipped hour", () => {
    expect(firesAfter("*/15 * * * *", "2026-03-29T00:40:00Z", vienna, 3)).toEqual([
      "2026-03-29T00:45:00.000Z", // 01:45 CET
      "2026-03-29T01:00:00.000Z", // 03:00 CEST: 02:00-02:45 do not exist
      "2026-03-29T01:15:00.000Z",
    ]);
  });

  it("a 02:30 daily cron fires once on the Vienna fall-back day, at the first 02:30", () => {
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice.
    expect(firesAfter("30 2 * * *", "2026-10-24T12:00:00Z", vienna, 2)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST, the first one
      "2026-10-26T01:30:00.000Z", // the second 02:30 (01:30Z) is skipped
    ]);
  });

  it("a quarter-hourly cron fires through the first pass of the repeated hour and not through the second", () => {
    expect(firesAfter("*/15 * * * *", "2026-10-24T23:40:00Z", vienna, 7)).toEqual([
      "2026-10-24T23:45:00.000Z", // 01:45 CEST
      "2026-10-25T00:00:00.000Z", // 02:00 CEST
      "2026-10-25T00:15:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T00:45:00.000Z", // 02:45 CEST
      "2026-10-25T02:00:00.000Z", // 03:00 CET: the repeated 02:00-02:45 CET already fired
      "2026-10-25T02:15:00.000Z",
    ]);
  });

  it("asked during the second pass of the repeated hour, the next fire is after the repetition", () => {
    const cron = parseCron("*/15 * * * *");
    expect(iso(cron.nextAfter(at("2026-10-25T01:10:00Z"), vienna))).toBe(
      "2026-10-25T02:00:00.000Z",
    );
    expect(iso(parseCron("* * * * * *").nextAfter(at("2026-10-25T01:59:59Z"), vienna))).toBe(
      "2026-10-25T02:00:00.000Z",
    );
  });

  it("an hourly cron fires once per distinct local hour over a whole year", () => {
    const cron = parseCron("0 * * * *");
    const localHours = new Set<string>();
    let fires = 0;
    let previous = at("2025-12-31T23:00:00Z"); // 2026-01-01 00:00 CET
    const end = at("2026-12-31T23:00:00Z"); // 2027-01-01 00:00 CET
    const localHour = new Intl.DateTimeFormat("en-CA", {
      timeZone: vienna,
      dateStyle: "short",
      timeStyle: "short",
      hourCycle: "h23",
    });
    for (
      let next = cron.nextAfter(previous - 1, vienna);
      next !== null && next < end;
      next = cron.nextAfter(next, vienna)
    ) {
      expect(next).toBeGreaterThan(previous - 1);
      previous = next;
      fires += 1;
      localHours.add(localHour.format(next));
    }
    // 365 × 24 local hours, minus the skipped 02:00 in March; the repeated 02:00 in October once.
    expect(fires).toBe(365 * 24 - 1);
    expect(localHours.size).toBe(fires);
  });
});

describe("daylight saving elsewhere", () => {
  it("New York's 02:30 does not exist on 2026-03-08", () => {
    expect(firesAfter("30 2 * * *", "2026-03-07T12:00:00Z", "America/New_York", 2)).toEqual([
      "2026-03-09T06:30:00.000Z",
      "2026-03-10T06:30:00.000Z",
    ]);
  });

  it("Lord Howe's half-hour shift skips 02:00-02:29 and repeats 01:30-01:59", () => {
    expect(firesAfter("15 2 * * *", "2026-10-03T12:00:00Z", "Australia/Lord_Howe", 1)).toEqual([
      "2026-10-04T15:15:00.000Z",
    ]);
    expect(firesAfter("45 1 * * *", "2026-04-04T12:00:00Z", "Australia/Lord_Howe", 2)).toEqual([
      "2026-04-04T14:45:00.000Z", // the first 01:45 (+11:00); the second one (+10:30) does not fire
      "2026-04-05T15:15:00.000Z",
    ]);
  });

  it("a daily noon cron skips the calendar day Samoa dropped in 2011", () => {
    expect(firesAfter("0 12 * * *", "2011-12-28T23:00:00Z", "Pacific/Apia", 2)).toEqual([
      "2011-12-29T22:00:00.000Z", // 29 Dec 12:00 at UTC-10
      "2011-12-30T22:00:00.000Z", // 31 Dec 12:00 at UTC+14; 30 Dec did not exist
    ]);
  });

  it("UTC has no transitions", () => {
    expect(firesAfter("30 2 * * *", "2026-03-28T12:00:00Z", "UTC", 2)).toEqual([
      "2026-03-29T02:30:00.000Z",
      "2026-03-30T02:30:00.000Z",
    ]);
  });
});

describe("regressions found by differential testing (issue 16)", () => {
  it("7/n in day-of-week starts at Sunday (7) and runs to the end of the field, so it fires on Sundays", () => {
    // 2026-01-04 is a Sunday.
    expect(firesAfter("0 0 * * 7/2", "2026-01-01T00:00:00Z", "UTC", 3)).toEqual([
      "2026-01-04T00:00:00.000Z",
      "2026-01-11T00:00:00.000Z",
      "2026-01-18T00:00:00.000Z",
    ]);
    expect(cronNeverFiresReason(parseCron("0 0 * * 7/2"))).toBeNull();
  });

  it("a leap day is found across a century year that is not a leap year", () => {
    // 2100 is not a leap year: the next 29 February after 2096 is in 2104, eight years on.
    expect(firesAfter("0 0 29 2 *", "2096-03-01T00:00:00Z", "UTC", 2)).toEqual([
      "2104-02-29T00:00:00.000Z",
      "2108-02-29T00:00:00.000Z",
    ]);
  });

  it("a date that must also fall on a chosen weekday is found more than five years ahead", () => {
    // "*/4" in day-of-week starts with "*", so both day fields must match: 14 June on a Sunday or Thursday.
    expect(firesAfter("0 0 14 6 */4", "2029-06-15T00:00:00Z", "UTC", 1)).toEqual([
      "2035-06-14T00:00:00.000Z",
    ]);
  });

  it("a leap day on a Sunday is found across the 2100 gap, 40 years after the one before", () => {
    // Leap days on Sundays: 2060, 2088, then 2128 (2100 is skipped, which breaks the 28-year rhythm).
    expect(firesAfter("0 0 29 2 */7", "2088-03-01T00:00:00Z", "UTC", 1)).toEqual([
      "2128-02-29T00:00:00.000Z",
    ]);
  });
});

describe("the whole range of Date", () => {
  it("fires in the first centuries, which Date.UTC would read as 1900-1999", () => {
    expect(firesAfter("0 12 29 2 *", "0050-01-01T00:00:00Z", "UTC", 2)).toEqual([
      "0052-02-29T12:00:00.000Z",
      "0056-02-29T12:00:00.000Z",
    ]);
    // Vienna kept local mean time (+01:05:21) then.
    expect(firesAfter("0 12 * * *", "0050-06-01T00:00:00Z", "Europe/Vienna", 1)).toEqual([
      "0050-06-01T10:54:39.000Z",
    ]);
  });

  it("fires before year 1, where Intl prints years without an era", () => {
    expect(firesAfter("0 0 1 1 *", "-000005-06-01T00:00:00Z", "Europe/Vienna", 1)).toEqual([
      "-000005-12-31T22:54:39.000Z",
    ]); // 1 January -4, 00:00 local mean time
  });

  it("finds nothing past the last full year a Date holds, and rejects instants outside it", () => {
    expect(parseCron("0 0 * * *").nextAfter(8.64e15, "Europe/Vienna")).toBeNull();
    expect(iso(parseCron("0 0 * * *").nextAfter(Date.UTC(275_759, 11, 20), "UTC"))).toBe(
      "+275759-12-21T00:00:00.000Z",
    );
    expect(iso(parseCron("0 0 * * *").nextAfter(Date.UTC(-271_820, 0, 3), "UTC"))).toBe(
      "-271820-01-04T00:00:00.000Z",
    );
    expect(() => parseCron("0 0 * * *").nextAfter(-8.64e15, "UTC")).toThrow(
      /within the range of Date \(from 3 January -271820 on\), got -8640000000000000/,
    );
  });
});

describe("an expression whose every match falls into a daylight-saving gap", () => {
  // "*/7" in day-of-week starts with "*", so both day fields must match: 02:30 on the second Sunday of
  // March, which is the very hour New York skips every year since 2007.
  const secondSundayOfMarch = "30 2 8-14 3 */7";

  it("never fires in New York, and the reason says so", () => {
    const cron = parseCron(secondSundayOfMarch);
    expect(cron.nextAfter(at("2026-01-01T00:00:00Z"), "America/New_York")).toBeNull();
    expect(cronNeverFiresReason(cron, "America/New_York", at("2026-01-01T00:00:00Z"))).toMatch(
      /"30 2 8-14 3 \*\/7" never fires in America\/New_York: every local time it matches falls into a daylight-saving gap/,
    );
  });

  it("fires where that hour exists: in UTC, and in New York before the 2007 rules", () => {
    const cron = parseCron(secondSundayOfMarch);
    expect(iso(cron.nextAfter(at("2026-01-01T00:00:00Z"), "UTC"))).toBe("2026-03-08T02:30:00.000Z");
    expect(cronNeverFiresReason(cron, "UTC", at("2026-01-01T00:00:00Z"))).toBeNull();
    expect(iso(cron.nextAfter(at("2000-01-01T00:00:00Z"), "America/New_York"))).toBe(
      "2000-03-12T07:30:00.000Z",
    );
  });
});
