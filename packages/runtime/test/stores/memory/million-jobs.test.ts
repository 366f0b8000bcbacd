/**
 * The memory store's operations views with a million jobs: snapshot lists stay bounded, listJobs
 * pages and countJobs counts without materialising the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobScheduler } from "../../../src/index.js";
import { SNAPSHOT_LIST_LIMIT } from "../../../src/state/scheduler-snapshot.js";
import type { ManualClock } from "../../../src/testing/index.js";
import { startHarness, stopAllHarnesses } from "../../support/harness.js";
import { testJob } from "../../support/test-registry.js";

const JOBS = 1_000_000;
const HOUR = 3_600_000;

let scheduler: JobScheduler;
let clock: ManualClock;
let earlyJobIds: string[];
let lastJobId: string;

beforeAll(async () => {
  const parked = testJob("parked");
  ({ scheduler, clock } = await startHarness([parked]));
  const startMs = clock.now();
  earlyJobIds = [];
  for (let id = 0; id < JOBS; id++) {
    // Mostly rising due times (the queue's FIFO lane); every 100,000th is due earlier than all (its heap).
    const early = id % 100_000 === 99_999;
    const handle = await scheduler.schedule(
      parked.jobClass,
      { id },
      early ? startMs + HOUR / 2 - id : startMs + HOUR + id,
    );
    if (early) earlyJobIds.push(handle.jobId);
    lastJobId = handle.jobId;
  }
}, 120_000);

afterAll(stopAllHarnesses);

describe("a million queued jobs in the memory store", () => {
  it("snapshot lists the earliest SNAPSHOT_LIST_LIMIT queued runs, by due time, and the true next due time", async () => {
    const snapshot = await scheduler.snapshot();
    expect(snapshot.queuedRuns).toHaveLength(SNAPSHOT_LIST_LIMIT);
    const due = snapshot.queuedRuns.map((run) => run.dueTime.getTime());
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(snapshot.queuedRuns.slice(0, earlyJobIds.length).map((run) => run.jobId)).toEqual(
      [...earlyJobIds].reverse(),
    );
    expect(snapshot.queuedRuns[earlyJobIds.length]!.dueTime.getTime()).toBe(clock.now() + HOUR);
    expect(snapshot.jobs[0]!.nextDueTime).toEqual(snapshot.queuedRuns[0]!.dueTime);
  });

  it("listJobs pages from the newest, and countJobs counts them all", async () => {
    const page = await scheduler.listJobs({ limit: 1_000 });
    expect(page.jobs).toHaveLength(1_000);
    expect(page.jobs[0]!.jobId).toBe(lastJobId);
    const next = await scheduler.listJobs({ limit: 1_000, cursor: page.nextCursor });
    expect(next.jobs[0]!.createdAt.getTime()).toBeLessThanOrEqual(
      page.jobs[999]!.createdAt.getTime(),
    );
    expect(next.jobs.map((job) => job.jobId)).not.toContain(page.jobs[999]!.jobId);
    expect((await scheduler.listJobs({ status: "waiting-retry" })).jobs).toEqual([]);
    expect((await scheduler.countJobs()).queued).toBe(JOBS);
  });
});
