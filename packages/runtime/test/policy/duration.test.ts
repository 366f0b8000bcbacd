import { describe, expect, it } from "vitest";
import { parseDuration, tryParseDuration } from "../../src/policy/duration.js";

describe("reading durations", () => {
  it("a number is milliseconds", () => {
    expect(parseDuration(1_500, "delay")).toBe(1_500);
    expect(parseDuration(0, "delay")).toBe(0);
  });

  it("a number with a unit is converted", () => {
    expect(
      ["50ms", "1.5s", "15m", "6h", "1d", " 2s "].map((text) => parseDuration(text, "delay")),
    ).toEqual([50, 1_500, 900_000, 21_600_000, 86_400_000, 2_000]);
  });

  it("a clock span is hours:minutes:seconds with optional milliseconds", () => {
    expect(parseDuration("01:30:00", "delay")).toBe(5_400_000);
    expect(parseDuration("00:00:01.5", "delay")).toBe(1_500);
    expect(parseDuration("26:00:00", "delay")).toBe(93_600_000);
  });
});

describe("bad durations say what to write", () => {
  it("negative and non-finite numbers are rejected", () => {
    expect(tryParseDuration(-1)).toEqual({
      ok: false,
      error: "-1 is negative; durations must be 0 or more milliseconds",
    });
    expect(tryParseDuration(Number.POSITIVE_INFINITY).ok).toBe(false);
    expect(tryParseDuration(Number.NaN).ok).toBe(false);
  });

  it("unknown text lists the accepted forms", () => {
    const result = tryParseDuration("5 minutes");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /"5 minutes" is not a duration; use milliseconds \(1500\), a number with a unit/,
    );
    expect(tryParseDuration("1:60:00").ok).toBe(false);
    expect(tryParseDuration("").ok).toBe(false);
  });

  it("a non-string, non-number value names its type", () => {
    expect(tryParseDuration(true as unknown as string)).toEqual({
      ok: false,
      error: 'expected a number of milliseconds or a string like "1.5s", got boolean',
    });
  });

  it("parseDuration throws a RangeError naming what was being read", () => {
    expect(() => parseDuration("soon", 'fixedRate of job "reports.flush"')).toThrow(RangeError);
    expect(() => parseDuration("soon", 'fixedRate of job "reports.flush"')).toThrow(
      /^Invalid fixedRate of job "reports.flush": "soon" is not a duration/,
    );
  });
});
