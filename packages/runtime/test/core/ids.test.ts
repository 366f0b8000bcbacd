import { describe, expect, it } from "vitest";
import { newId } from "../../src/core/ids.js";

describe("newId", () => {
  it("makes unique UUIDv7 strings carrying the current millisecond, sorted by creation", () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const timestamp = Number.parseInt(ids[0]!.replace(/-/g, "").slice(0, 12), 16);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after + 5);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe("newJobId / firstRunIdOf", () => {
  it("pairs a job id with a distinct UUIDv7 first run id that no other id repeats", async () => {
    const { newJobId, firstRunIdOf, isFirstRunIdOf } = await import("../../src/core/ids.js");
    const all = new Set<string>();
    for (let index = 0; index < 10_000; index++) {
      const jobId = newJobId();
      const runId = firstRunIdOf(jobId);
      expect(runId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(isFirstRunIdOf(runId, jobId)).toBe(true);
      expect(isFirstRunIdOf(jobId, jobId)).toBe(false);
      expect(firstRunIdOf(runId)).toBe(jobId);
      all.add(jobId);
      all.add(runId);
      all.add(newId());
    }
    expect(all.size).toBe(30_000);
  });

  it("the first run id of the newest job id, formatted flat, equals firstRunIdOf of it", async () => {
    const { newJobId, firstRunIdOf, firstRunIdOfNewestJobId } = await import(
      "../../src/core/ids.js"
    );
    for (let index = 0; index < 10_000; index++) {
      const jobId = newJobId(index % 7 === 0 ? Date.now() + index : Date.now());
      const runId = firstRunIdOfNewestJobId();
      expect(runId).toBe(firstRunIdOf(jobId));
      expect(firstRunIdOfNewestJobId()).toBe(runId);
      expect(newId()).not.toBe(runId);
    }
  });
});
