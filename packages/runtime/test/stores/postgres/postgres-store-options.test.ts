/**
 * postgresStore's options: a value that would misbehave at run time (a timer above Node's limit,
 * NaN, a fraction where PostgreSQL needs an integer) is refused at the call, naming the option and
 * the range it takes. No database is needed: options are checked before anything connects.
 */
import { describe, expect, it } from "vitest";
import { postgresStore } from "../../../src/stores/postgres/index.js";

const url = "postgres://postgres@127.0.0.1:5432/test";
const NODE_TIMER_LIMIT = 2_147_483_647;

function refusal(message: RegExp): unknown {
  return expect.objectContaining({ code: "ELR510", message: expect.stringMatching(message) });
}

describe("postgresStore options out of range", () => {
  for (const name of ["leaseMs", "heartbeatMs", "pollIntervalMs"] as const) {
    it(`${name}: above Node's timer limit, NaN, negative, zero, fractional or not a number is a RangeError naming it and the range`, () => {
      // heartbeatMs must stay below leaseMs: give a lease long enough for every heartbeat tried.
      const others = name === "heartbeatMs" ? { leaseMs: NODE_TIMER_LIMIT } : {};
      for (const value of [1e12, NODE_TIMER_LIMIT + 1, Number.NaN, Infinity, -5, 0, 1.5, "100"]) {
        expect(
          () => postgresStore({ connectionString: url, ...others, [name]: value }),
          `${name}: ${String(value)}`,
        ).toThrow(
          refusal(
            new RegExp(
              `${name} must be a whole number of milliseconds from 1 to 2147483647 .*got ${(typeof value === "string" ? JSON.stringify(value) : String(value)).replace(/[.+]/g, "\\$&")}`,
            ),
          ),
        );
        expect(() => postgresStore({ connectionString: url, ...others, [name]: value })).toThrow(
          RangeError,
        );
      }
    });
  }

  it("the largest lease Node's timers can serve is accepted, with its default heartbeat of a third", () => {
    expect(() => postgresStore({ connectionString: url, leaseMs: NODE_TIMER_LIMIT })).not.toThrow();
    expect(() =>
      postgresStore({ connectionString: url, leaseMs: 3, pollIntervalMs: 1 }),
    ).not.toThrow();
  });

  it("counts: maxLeasedRuns, maxLeaseExpiries and retention.maxFinishedJobs take whole numbers PostgreSQL's integer can hold", () => {
    for (const value of [Number.NaN, 1.5, 2 ** 31, "5"]) {
      expect(
        () => postgresStore({ connectionString: url, maxLeasedRuns: value as number }),
        String(value),
      ).toThrow(refusal(/maxLeasedRuns must be a whole number from 1 to 2147483647/));
      expect(
        () => postgresStore({ connectionString: url, maxLeaseExpiries: value as number }),
        String(value),
      ).toThrow(refusal(/maxLeaseExpiries must be a whole number from 1 to 2147483647/));
      expect(
        () =>
          postgresStore({ connectionString: url, retention: { maxFinishedJobs: value as number } }),
        String(value),
      ).toThrow(refusal(/retention.maxFinishedJobs must be a whole number from 0 to 2147483647/));
    }
  });
});
