import { describe, expect, it } from "vitest";
import { firstRunIdOf, newId, newJobId } from "../../../src/core/ids.js";
import { JobTable } from "../../../src/stores/memory/job-table.js";
import { MemoryJob } from "../../../src/stores/memory/memory-job.js";

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed by its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function record(jobId: string, runId = firstRunIdOf(jobId)): MemoryJob {
  return new MemoryJob({
    jobId,
    runId,
    jobName: "model",
    payload: null,
    dueTimeMs: 0,
    createdAtMs: 0,
    correlationId: null,
    maxAttempts: 1,
    resilience: null,
    resilienceMode: "inline",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
  });
}

/**
 * The reference: a Map by job id whose iteration order is the table's (a replaced record moves to
 * the end, as it is appended), and an eager Map by current run id.
 */
class ReferenceTable {
  readonly byId = new Map<string, MemoryJob>();
  private readonly byRunId = new Map<string, MemoryJob>();
  add(job: MemoryJob): void {
    this.byId.set(job.jobId, job);
    this.byRunId.set(job.runId, job);
  }
  replace(previous: MemoryJob, next: MemoryJob): void {
    this.forget(previous);
    this.add(next);
  }
  forget(job: MemoryJob): void {
    if (this.byId.get(job.jobId) !== job) return;
    this.byId.delete(job.jobId);
    this.byRunId.delete(job.runId);
  }
  changeRunId(job: MemoryJob, runId: string): void {
    this.byRunId.delete(job.runId);
    this.byRunId.set(runId, job);
  }
  findByRunId(runId: string): MemoryJob | undefined {
    return this.byRunId.get(runId);
  }
}

/** The same objects in the same order (identity, not deep equality: records can look alike). */
function expectSameRecords(actual: MemoryJob[], expected: MemoryJob[]): void {
  expect(actual.length).toBe(expected.length);
  const firstDifference = actual.findIndex((job, index) => job !== expected[index]);
  expect(firstDifference).toBe(-1);
}

describe("the memory store's job table (lazy index by job id), against a plain map", () => {
  for (const [seed, maxUnindexed] of [
    [1, undefined],
    [2, undefined],
    [3, 50],
    [42, 1],
    [2026, 700],
  ] as const) {
    it(`agrees with the reference on 20,000 random operations (seed ${seed}, maxUnindexed ${maxUnindexed ?? "default"}), through compactions and lazy indexing`, () => {
      const next = random(seed);
      const table = new JobTable(maxUnindexed);
      const reference = new ReferenceTable();
      const everMade: MemoryJob[] = [];
      // A record the reference holds: a few random tries among every record made (O(1) per try).
      const pick = (): MemoryJob | undefined => {
        for (let attempt = 0; attempt < 8; attempt++) {
          const job = pickAny();
          if (job !== undefined && reference.byId.get(job.jobId) === job) return job;
        }
        return undefined;
      };
      const pickAny = (): MemoryJob | undefined =>
        everMade.length === 0 ? undefined : everMade[Math.floor(next() * everMade.length)];
      for (let step = 0; step < 20_000; step++) {
        const roll = next();
        if (roll < 0.4) {
          const job = record(newJobId());
          everMade.push(job);
          table.add(job);
          reference.add(job);
        } else if (roll < 0.62) {
          // Forgetting a record the table no longer holds (forgotten or replaced before) changes nothing.
          const job = next() < 0.8 ? pick() : pickAny();
          if (job === undefined) continue;
          table.forget(job);
          reference.forget(job);
        } else if (roll < 0.72) {
          const previous = pick();
          if (previous === undefined) continue;
          const job = record(previous.jobId, next() < 0.5 ? previous.runId : newId());
          everMade.push(job);
          table.replace(previous, job);
          reference.replace(previous, job);
        } else if (roll < 0.77) {
          const job = pick();
          if (job === undefined) continue;
          const runId = newId();
          reference.changeRunId(job, runId);
          table.changeRunId(job, runId);
        } else if (roll < 0.92) {
          // Lookups by id come in bursts and pauses, so the index is sometimes far behind the log.
          const job = next() < 0.7 ? pickAny() : undefined;
          const jobId = job?.jobId ?? newJobId();
          expect(table.get(jobId)).toBe(reference.byId.get(jobId));
        } else {
          const job = pickAny();
          if (job === undefined) continue;
          expect(table.findByRunId(job.runId)).toBe(reference.findByRunId(job.runId));
          expect(table.findByRunId(firstRunIdOf(job.jobId))).toBe(
            reference.findByRunId(firstRunIdOf(job.jobId)),
          );
        }
        expect(table.unindexed).toBeLessThanOrEqual(maxUnindexed ?? Infinity);
        if (step % 997 === 0) {
          expectSameRecords([...table.values()], [...reference.byId.values()]);
          expect(table.size).toBe(reference.byId.size);
          expect(
            everMade.filter((job) => table.holds(job) !== (reference.byId.get(job.jobId) === job)),
          ).toEqual([]);
        }
      }
      expectSameRecords([...table.values()], [...reference.byId.values()]);
      expect([...reference.byId].filter(([jobId, job]) => table.get(jobId) !== job)).toEqual([]);
    });
  }

  it("an insert hashes nothing until the first lookup, which indexes every record added since", () => {
    const table = new JobTable();
    const jobs = Array.from({ length: 3000 }, () => record(newJobId()));
    for (const job of jobs) table.add(job);
    for (const job of jobs.slice(0, 2000)) table.forget(job); // compacts the log (holes > half)
    expect(table.get(jobs[0]!.jobId)).toBeUndefined();
    expect(table.get(jobs[2500]!.jobId)).toBe(jobs[2500]);
    table.forget(jobs[2500]!);
    expect(table.get(jobs[2500]!.jobId)).toBeUndefined();
    expect(table.size).toBe(999);
  });

  it("indexes as it goes once maxUnindexed records wait, so no lookup indexes more than that at once", () => {
    const table = new JobTable(100);
    const jobs = Array.from({ length: 1000 }, () => record(newJobId()));
    for (const job of jobs.slice(0, 100)) table.add(job);
    expect(table.unindexed).toBe(100);
    for (const job of jobs.slice(100)) table.add(job);
    expect(table.unindexed).toBe(100);
    expect(table.get(jobs[10]!.jobId)).toBe(jobs[10]);
    expect(table.unindexed).toBe(0);
    expect(jobs.filter((job) => table.get(job.jobId) !== job)).toEqual([]);
  });
});
