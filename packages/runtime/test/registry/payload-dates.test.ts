import { describe, expect, it } from "vitest";
import { decodePayloadDate, encodePayloadDate, isPayloadDate } from "../../src/index.js";

describe("payload dates", () => {
  it("accept a valid Date and its stored ISO form, nothing else", () => {
    expect(isPayloadDate(new Date("2026-03-01T03:00:00Z"))).toBe(true);
    expect(isPayloadDate("2026-03-01T03:00:00.000Z")).toBe(true);
    expect(isPayloadDate("+275760-09-13T00:00:00.000Z")).toBe(true);
    expect(isPayloadDate("2026-03-01T04:00:00+01:00")).toBe(true);
    expect(isPayloadDate(new Date("not a date"))).toBe(false);
    expect(isPayloadDate("2026-03-01")).toBe(false);
    expect(isPayloadDate("yesterday")).toBe(false);
    expect(isPayloadDate("2026-13-01T00:00:00Z")).toBe(false);
    expect(isPayloadDate(Date.now())).toBe(false);
    expect(isPayloadDate(null)).toBe(false);
  });

  it("store a Date as its ISO string and read it back as a fresh Date", () => {
    const original = new Date("2026-03-01T03:00:00.123Z");
    const stored = encodePayloadDate(original);
    expect(stored).toBe("2026-03-01T03:00:00.123Z");
    const read = decodePayloadDate(stored);
    expect(read).toBeInstanceOf(Date);
    expect((read as Date).getTime()).toBe(original.getTime());
    const copied = decodePayloadDate(original);
    expect(copied).not.toBe(original);
    expect(copied).toEqual(original);
    expect(encodePayloadDate(null)).toBeNull();
    expect(decodePayloadDate(7)).toBe(7);
  });
});
