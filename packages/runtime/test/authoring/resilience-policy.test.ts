import { describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/authoring/resilience-policy.js";

describe("resiliencePolicy", () => {
  it("fills the documented defaults: 3 retries, 2 s constant delay, no cap, no jitter, no timeout", () => {
    expect(resiliencePolicy("defaults")).toEqual({
      name: "defaults",
      maxRetryAttempts: 3,
      delayMs: 2_000,
      backoff: "constant",
      maxDelayMs: null,
      jitter: false,
      timeoutMs: null,
    });
  });

  it("normalises every duration form to milliseconds", () => {
    const policy = resiliencePolicy("email-retry", {
      maxRetryAttempts: 4,
      delay: "1.5s",
      backoff: "exponential",
      maxDelay: "00:01:30",
      jitter: true,
      timeout: 250,
    });
    expect(policy).toMatchObject({
      maxRetryAttempts: 4,
      delayMs: 1_500,
      backoff: "exponential",
      maxDelayMs: 90_000,
      jitter: true,
      timeoutMs: 250,
    });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it("rejects a negative or fractional retry count with a message naming the policy", () => {
    expect(() => resiliencePolicy("p", { maxRetryAttempts: -1 })).toThrow(
      /maxRetryAttempts of resilience policy "p": -1/,
    );
    expect(() => resiliencePolicy("p", { maxRetryAttempts: 1.5 })).toThrow(/whole number/);
  });

  it("rejects an unreadable delay and says which forms are accepted", () => {
    expect(() => resiliencePolicy("p", { delay: "soon" })).toThrow(
      /delay of resilience policy "p".*"1\.5s"/,
    );
  });

  it("rejects an unknown backoff kind and a zero timeout", () => {
    expect(() => resiliencePolicy("p", { backoff: "random" as never })).toThrow(
      /"constant", "linear" or "exponential"/,
    );
    expect(() => resiliencePolicy("p", { timeout: 0 })).toThrow(
      /timeout of resilience policy "p": 0/,
    );
  });

  it("rejects an empty name", () => {
    expect(() => resiliencePolicy("  ")).toThrow(/non-empty string/);
  });
});
