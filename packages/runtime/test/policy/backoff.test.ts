import { describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/authoring/resilience-policy.js";
import { MAX_RETRY_DELAY_MS, retryDelayMs } from "../../src/policy/backoff.js";

const never = (): number => {
  throw new Error("random() must not be called without jitter");
};

describe("delay before the next attempt", () => {
  it("constant backoff waits the same delay after every failure", () => {
    const policy = resiliencePolicy("constant", { delay: "2s" });
    expect([1, 2, 5].map((attempt) => retryDelayMs(policy, attempt, never))).toEqual([
      2_000, 2_000, 2_000,
    ]);
  });

  it("linear backoff multiplies the delay by the failed attempt number", () => {
    const policy = resiliencePolicy("linear", { delay: "1.5s", backoff: "linear" });
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, never))).toEqual([
      1_500, 3_000, 4_500,
    ]);
  });

  it("exponential backoff doubles from the base delay", () => {
    const policy = resiliencePolicy("exponential", { delay: "100ms", backoff: "exponential" });
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt, never))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it("maxDelay caps the grown delay", () => {
    const policy = resiliencePolicy("capped", {
      delay: "1s",
      backoff: "exponential",
      maxDelay: "5s",
    });
    expect([3, 4, 30].map((attempt) => retryDelayMs(policy, attempt, never))).toEqual([
      4_000, 5_000, 5_000,
    ]);
  });

  it("an uncapped exponential backoff stops at one year instead of overflowing", () => {
    const policy = resiliencePolicy("runaway", { delay: "1s", backoff: "exponential" });
    expect(retryDelayMs(policy, 2_000, never)).toBe(MAX_RETRY_DELAY_MS);
    expect(MAX_RETRY_DELAY_MS).toBe(365 * 24 * 3_600_000);
  });
});

describe("jitter", () => {
  it("adds a random share of up to the capped delay, after the cap", () => {
    const policy = resiliencePolicy("jittery", {
      delay: "1s",
      backoff: "exponential",
      maxDelay: "3s",
      jitter: true,
    });
    expect(retryDelayMs(policy, 1, () => 0)).toBe(1_000);
    expect(retryDelayMs(policy, 1, () => 0.5)).toBe(1_500);
    expect(retryDelayMs(policy, 5, () => 0.5)).toBe(4_500); // 16 s capped to 3 s, plus half of 3 s
    expect(retryDelayMs(policy, 5, () => 0.999_9)).toBeLessThan(6_000);
  });

  it("uses Math.random by default and stays within [delay, 2 × delay]", () => {
    const policy = resiliencePolicy("jittery", { delay: "1s", jitter: true });
    const delays = Array.from({ length: 200 }, () => retryDelayMs(policy, 1));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});

describe("bad input", () => {
  const policy = resiliencePolicy("p", { jitter: true });

  it("the failed attempt must be a whole number from 1", () => {
    for (const attempt of [0, -1, 1.5, Number.NaN]) {
      expect(() => retryDelayMs(policy, attempt, () => 0)).toThrow(
        /failedAttempt must be a whole number 1 or more/,
      );
    }
  });

  it("a random source outside [0, 1) is rejected", () => {
    expect(() => retryDelayMs(policy, 1, () => 1)).toThrow(
      /random\(\) must return a number in \[0, 1\), got 1/,
    );
    expect(() => retryDelayMs(policy, 1, () => -0.1)).toThrow(RangeError);
  });
});
