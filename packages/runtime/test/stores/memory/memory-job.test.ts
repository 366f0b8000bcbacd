import { describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../../src/index.js";
import { MemoryJob } from "../../../src/stores/memory/memory-job.js";
import type { NewRuntimeJob } from "../../../src/stores/job-store.js";

function newJob(overrides: Partial<NewRuntimeJob>): NewRuntimeJob {
  return {
    jobId: "job-1",
    runId: "run-1",
    jobName: "reports.build",
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
    ...overrides,
  };
}

describe("a memory job's compact layout gives back exactly what it was given", () => {
  it("creation times: now, the epoch, far future, negative, fractional and non-finite", () => {
    const times = [
      Date.now(),
      0,
      8.64e15,
      -1,
      -8.64e15,
      1_780_000_000_123.25,
      0.1,
      Number.MAX_SAFE_INTEGER,
      Infinity,
      -Infinity,
      Number.NaN,
    ];
    for (const createdAtMs of times)
      expect(new MemoryJob(newJob({ createdAtMs })).createdAtMs).toBe(createdAtMs);
  });

  it("due, start and completion times: the same values, given at insert and changed later (exact again after an inexact one)", () => {
    const times = [
      Date.now(),
      Date.now() + 3_600_000,
      0,
      8.64e15,
      -1,
      -8.64e15,
      1_780_000_000_123.25,
      0.1,
      Number.MAX_SAFE_INTEGER,
    ];
    for (const dueTimeMs of times) {
      const job = new MemoryJob(newJob({ dueTimeMs }));
      expect(job.dueTimeMs).toBe(dueTimeMs);
      expect([job.startedAtMs, job.completedAtMs]).toEqual([null, null]);
      for (const later of [...times, times[0]!]) {
        job.dueTimeMs = later;
        job.startedAtMs = later;
        job.completedAtMs = later;
        expect([job.dueTimeMs, job.startedAtMs, job.completedAtMs]).toEqual([later, later, later]);
      }
      job.startedAtMs = null;
      job.completedAtMs = null;
      expect([job.startedAtMs, job.completedAtMs]).toEqual([null, null]);
    }
  });

  it("jobs of one name inserted with different options keep their own attempts, policy and mode", () => {
    const policy = resiliencePolicy("memory-job-test", { maxRetryAttempts: 2, delay: "10ms" });
    const plain = new MemoryJob(newJob({}));
    const deferred = new MemoryJob(
      newJob({ maxAttempts: 3, resilience: policy, resilienceMode: "deferred-retry" }),
    );
    const plainAgain = new MemoryJob(newJob({}));
    const otherName = new MemoryJob(
      newJob({
        jobName: "reports.mail",
        maxAttempts: 3,
        resilience: policy,
        resilienceMode: "deferred-retry",
      }),
    );
    expect([plain.jobName, plain.maxAttempts, plain.resilience, plain.resilienceMode]).toEqual([
      "reports.build",
      1,
      null,
      "inline",
    ]);
    expect([
      deferred.jobName,
      deferred.maxAttempts,
      deferred.resilience,
      deferred.resilienceMode,
    ]).toEqual(["reports.build", 3, policy, "deferred-retry"]);
    expect([plainAgain.maxAttempts, plainAgain.resilience, plainAgain.resilienceMode]).toEqual([
      1,
      null,
      "inline",
    ]);
    expect([otherName.jobName, otherName.maxAttempts, otherName.resilience]).toEqual([
      "reports.mail",
      3,
      policy,
    ]);
    expect(plain.maxAttempts).toBe(1); // unchanged by the jobs made after it
  });
});
