import { describe, expect, it } from "vitest";
import {
  assertValidTimeZone,
  instantsOfLocalTime,
  isValidTimeZone,
  localTimeAfterGap,
  localTimeAfterRepetition,
  zoneOffsetMs,
} from "../../src/policy/time-zone.js";

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe("recognising IANA time zones", () => {
  it("known zones are valid", () => {
    for (const zone of [
      "UTC",
      "Etc/UTC",
      "Europe/Vienna",
      "America/New_York",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
    ]) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
  });

  it("misspelt, empty and made-up zones are not", () => {
    for (const zone of ["Europe/Viena", "", "  ", "Mars/Olympus_Mons", "GMT+25"]) {
      expect(isValidTimeZone(zone), zone).toBe(false);
    }
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
  });

  it("an unknown zone is rejected with a message that shows valid ids", () => {
    expect(() => assertValidTimeZone("Europe/Viena")).toThrow(RangeError);
    expect(() => assertValidTimeZone("Europe/Viena")).toThrow(
      /Unknown time zone "Europe\/Viena"; use an IANA time-zone id such as "UTC"/,
    );
    expect(() => zoneOffsetMs("Nowhere/Town", 0)).toThrow(/Unknown time zone "Nowhere\/Town"/);
    expect(() => zoneOffsetMs("Europe/Vienna", Number.NaN)).toThrow(
      /NaN is not an epoch-millisecond instant within the range of Date/,
    );
  });
});

describe("offsets from UTC", () => {
  it("Vienna is an hour ahead in winter and two in summer", () => {
    expect(zoneOffsetMs("Europe/Vienna", at("2026-01-15T12:00:00Z"))).toBe(HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-07-15T12:00:00Z"))).toBe(2 * HOUR);
  });

  it("the offset changes at the exact transition instant, also within a memoised hour", () => {
    // Ask about whole hours first so they are memoised, then about the seconds around the change.
    expect(zoneOffsetMs("Europe/Vienna", at("2026-03-29T00:00:00Z"))).toBe(HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-03-29T02:00:00Z"))).toBe(2 * HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-03-29T00:59:59Z"))).toBe(HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-03-29T01:00:00Z"))).toBe(2 * HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-10-25T00:59:59Z"))).toBe(2 * HOUR);
    expect(zoneOffsetMs("Europe/Vienna", at("2026-10-25T01:00:00Z"))).toBe(HOUR);
  });

  it("agrees with Intl's own offset names at a thousand instants across zones and decades", () => {
    // An independent oracle: the "GMT+05:30"-style offset name Intl prints for the instant.
    const zones = [
      "Europe/Vienna",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kolkata",
      "America/Santiago",
      "Africa/Casablanca",
      "Pacific/Apia",
    ];
    const oracles = new Map(
      zones.map((zone) => [
        zone,
        new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }),
      ]),
    );
    const oracleOffset = (zone: string, instant: number): number => {
      const name = oracles
        .get(zone)!
        .formatToParts(instant)
        .find((part) => part.type === "timeZoneName")!.value;
      const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name)!;
      if (match[1] === undefined) return 0;
      return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
    };
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const from = at("1990-01-01T00:00:00Z");
    const span = at("2040-01-01T00:00:00Z") - from;
    for (let sample = 0; sample < 1_000; sample += 1) {
      const zone = zones[sample % zones.length]!;
      const instant = Math.floor((from + random() * span) / 1_000) * 1_000;
      expect(zoneOffsetMs(zone, instant), `${zone} at ${new Date(instant).toISOString()}`).toBe(
        oracleOffset(zone, instant),
      );
    }
  });

  it("negative, fractional and UTC offsets are exact", () => {
    expect(zoneOffsetMs("America/New_York", at("2026-01-15T12:00:00Z"))).toBe(-5 * HOUR);
    expect(zoneOffsetMs("Asia/Kolkata", at("2026-01-15T12:00:00Z"))).toBe(5.5 * HOUR);
    expect(zoneOffsetMs("UTC", at("2026-07-15T12:00:00Z"))).toBe(0);
  });
});

describe("offsets in the first centuries and before year 1", () => {
  // Intl prints such years without an era ("1/1/50"; 1 BC as "1"), and Date.UTC reads 0-99 as 1900-1999.
  // Vienna kept local mean time, +01:05:21, until 1893.
  const viennaMeanTime = (65 * 60 + 21) * 1_000;

  it("year 50 has Vienna's local mean time, not an offset of 1900 years", () => {
    expect(zoneOffsetMs("Europe/Vienna", at("0050-06-01T12:00:00Z"))).toBe(viennaMeanTime);
  });

  it("years before year 1 have it too, with the sign of the year kept", () => {
    expect(zoneOffsetMs("Europe/Vienna", at("-000005-01-01T00:00:00Z"))).toBe(viennaMeanTime);
    expect(zoneOffsetMs("Europe/Vienna", at("0000-12-31T23:59:59Z"))).toBe(viennaMeanTime);
    expect(zoneOffsetMs("Europe/Vienna", Date.UTC(-271_820, 5, 1))).toBe(viennaMeanTime);
  });
});

describe("mapping a wall-clock time to instants", () => {
  const wall = (iso: string): number => Date.parse(`${iso}Z`); // local fields encoded as UTC

  it("an ordinary local time occurs once", () => {
    expect(instantsOfLocalTime("Europe/Vienna", wall("2026-06-01T12:00:00"))).toEqual([
      at("2026-06-01T10:00:00Z"),
    ]);
  });

  it("a local time in the spring-forward gap never occurs", () => {
    expect(instantsOfLocalTime("Europe/Vienna", wall("2026-03-29T02:30:00"))).toEqual([]);
    expect(localTimeAfterGap("Europe/Vienna", wall("2026-03-29T02:30:00"))).toBe(
      wall("2026-03-29T03:00:00"),
    );
  });

  it("a local time in the fall-back overlap occurs twice, earliest first", () => {
    const [first, second] = instantsOfLocalTime("Europe/Vienna", wall("2026-10-25T02:30:00"));
    expect(first).toBe(at("2026-10-25T00:30:00Z"));
    expect(second).toBe(at("2026-10-25T01:30:00Z"));
    expect(localTimeAfterRepetition("Europe/Vienna", first!, second!)).toBe(
      wall("2026-10-25T03:00:00"),
    );
  });

  it("the edges of the gap and the overlap belong to the later offset", () => {
    expect(instantsOfLocalTime("Europe/Vienna", wall("2026-03-29T03:00:00"))).toEqual([
      at("2026-03-29T01:00:00Z"),
    ]);
    expect(instantsOfLocalTime("Europe/Vienna", wall("2026-03-29T01:59:59"))).toEqual([
      at("2026-03-29T00:59:59Z"),
    ]);
    expect(instantsOfLocalTime("Europe/Vienna", wall("2026-10-25T03:00:00"))).toEqual([
      at("2026-10-25T02:00:00Z"),
    ]);
  });
});

describe("a skipped calendar day", () => {
  it("Samoa's 2011-12-30 never happened, so no wall-clock time on it occurs", () => {
    const wall = (iso: string): number => Date.parse(`${iso}Z`);
    expect(instantsOfLocalTime("Pacific/Apia", wall("2011-12-30T12:00:00"))).toEqual([]);
    expect(localTimeAfterGap("Pacific/Apia", wall("2011-12-30T12:00:00"))).toBe(
      wall("2011-12-31T00:00:00"),
    );
    expect(instantsOfLocalTime("Pacific/Apia", wall("2011-12-31T12:00:00"))).toEqual([
      at("2011-12-30T22:00:00Z"),
    ]);
  });
});
