import { describe, expect, it } from "vitest";
import { Gates } from "../../src/dispatch/gates.js";
import { RegisteredJob } from "../../src/dispatch/registered-job.js";
import { Run } from "../../src/dispatch/run.js";
import type { ClaimedRun } from "../../src/stores/job-store.js";
import { descriptor } from "../support/test-registry.js";

function claimedRun(jobName: string, runId: string): ClaimedRun {
  return {
    jobId: `job-${runId}`,
    runId,
    jobName,
    payload: { id: 1 },
    dueTimeMs: 0,
    attempt: 1,
    maxAttempts: 1,
    correlationId: null,
    resilience: null,
    resilienceMode: "inline",
    occurrence: null,
  };
}

describe("the overlap gate of a job made per schedule", () => {
  it("is forgotten once no run holds it or waits at it, and not before", () => {
    // What ScheduleChains builds for one schedule: its job with the schedule's overlap.
    const job = new RegisteredJob(
      descriptor("tenant.report", { overlap: "queue", overlapExplicit: true }),
      () => undefined,
      null,
      null,
    );
    const started: Run[] = [];
    const gates = new Gates(4, { start: (run) => started.push(run), skip: () => undefined });
    expect(gates.forgetIfIdle(job)).toBe(true);

    const first = Run.forClaimed(job, claimedRun(job.name, "a"));
    const second = Run.forClaimed(job, claimedRun(job.name, "b"));
    gates.admit(first);
    gates.admit(second);
    expect(started).toEqual([first]);
    expect(gates.forgetIfIdle(job)).toBe(false);

    first.phase = "running";
    gates.release(first);
    expect(started).toEqual([first, second]);
    expect(gates.forgetIfIdle(job)).toBe(false);

    second.phase = "running";
    gates.release(second);
    expect(gates.forgetIfIdle(job)).toBe(true);
    expect(gates.activeRunsOf(job)).toBe(0);
  });
});
