/**
 * textProblem scans short texts character by character and longer ones with a regular expression:
 * both paths must find the same problems (a NUL, a lone surrogate) and accept the same texts.
 */
import { describe, expect, it } from "vitest";
import { jsonProblem, textProblem } from "../../src/core/storable-value.js";

const lengths = [0, 1, 7, 8, 9, 64, 200];

function padded(core: string, length: number): string {
  return core.length >= length ? core : core + "x".repeat(length - core.length);
}

describe("textProblem, short and long texts alike", () => {
  it("accepts plain text and whole surrogate pairs (an emoji) at every length", () => {
    for (const length of lengths) {
      expect(textProblem(padded("", length))).toBeNull();
      expect(textProblem(padded("a😀", length))).toBeNull();
    }
  });

  it("finds a NUL and a lone surrogate (high or low) at every length", () => {
    for (const length of [1, 7, 8, 9, 64, 200]) {
      expect(textProblem(padded("\u0000", length))).toMatch(/NUL character/);
      expect(textProblem(padded("a\uD800", length))).toMatch(/lone surrogate/);
      expect(textProblem(padded("\uDC00a", length))).toMatch(/lone surrogate/);
    }
  });

  it("finds them in keys and in nested values of a payload, naming where", () => {
    expect(jsonProblem({ n: 1, nested: { list: [1, "ok"] } }, "payload")).toBeNull();
    expect(jsonProblem({ n: 1, nested: { list: [1, "a\u0000"] } }, "payload")).toMatch(
      /^payload\.nested\.list\[1\] contains a NUL character/,
    );
    expect(jsonProblem({ ["k".repeat(20) + "\uD800"]: 1 }, "payload")).toMatch(
      /^a key of payload contains a lone surrogate/,
    );
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = { back: cyclic };
    expect(jsonProblem(cyclic, "payload")).toMatch(/payload\.self\.back refers back to payload/);
  });
});
