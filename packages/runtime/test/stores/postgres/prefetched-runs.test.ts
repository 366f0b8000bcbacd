/** The lease batcher's prefetch: due order with ties in claim order, hand-out of what is due. */
import { describe, expect, it } from "vitest";
import { PrefetchedRuns } from "../../../src/stores/postgres/prefetched-runs.js";
import type { ClaimedRunRow } from "../../../src/stores/postgres/queue-rows.js";

function row(runId: string, dueTimeMs: number): ClaimedRunRow {
  return {
    runId,
    jobId: `job-${runId}`,
    jobName: "emails.send",
    attempt: 1,
    maxAttempts: 1,
    dueTimeMs,
    claims: 1,
    payload: null,
    correlationId: null,
    resilience: null,
    resilienceMode: "inline",
    createdAtMs: 0,
    cancelRequested: false,
    occurrence: null,
    traceContext: null,
  };
}

const ids = (rows: readonly ClaimedRunRow[]): string[] => rows.map((r) => r.runId);

describe("the prefetched runs", () => {
  it("keep due order when a claim's rows are due before runs a look-ahead claim left, ties in claim order", () => {
    const prefetched = new PrefetchedRuns();
    // A look-ahead claim leased runs due at 150 and 180...
    prefetched.add(row("ahead-1", 150));
    prefetched.add(row("ahead-2", 180));
    // ...then a claim of runs due now, one tied with the look-ahead's first.
    for (const fresh of [row("due-1", 100), row("due-2", 150), row("due-3", 160)])
      prefetched.add(fresh);

    expect(ids(prefetched.rows)).toEqual(["due-1", "ahead-1", "due-2", "due-3", "ahead-2"]);
    expect(prefetched.earliestDueMs()).toBe(100);
  });

  it("hands out only runs due by now, at most the limit, earliest first", () => {
    const prefetched = new PrefetchedRuns();
    for (const [id, due] of [
      ["a", 10],
      ["b", 20],
      ["c", 30],
      ["d", 40],
    ] as const)
      prefetched.add(row(id, due));

    expect(ids(prefetched.takeDue(5, 5))).toEqual([]);
    expect(ids(prefetched.takeDue(2, 35))).toEqual(["a", "b"]);
    expect(ids(prefetched.takeDue(5, 35))).toEqual(["c"]);
    expect(ids(prefetched.rows)).toEqual(["d"]);
  });

  it("removes a run by id once, and gives every run back at close", () => {
    const prefetched = new PrefetchedRuns();
    prefetched.add(row("a", 10));
    prefetched.add(row("b", 20));

    expect(prefetched.has("a")).toBe(true);
    expect(prefetched.remove("a")).toBe(true);
    expect(prefetched.remove("a")).toBe(false);
    expect(prefetched.has("a")).toBe(false);
    expect(ids(prefetched.takeAll())).toEqual(["b"]);
    expect(prefetched.earliestDueMs()).toBeNull();
  });
});
