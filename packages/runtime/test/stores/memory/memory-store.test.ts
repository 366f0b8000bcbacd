import { describe, expect, it } from "vitest";
import {
  consoleLogger,
  systemClock,
  type ClaimedRun,
  type NewRuntimeJob,
  type RunTicket,
  type StoreHost,
} from "../../../src/index.js";
import { occurrenceJob } from "../../../src/dispatch/occurrence-job.js";
import type { ScheduleRule } from "../../../src/policy/schedule-rule.js";
import { MemoryStore } from "../../../src/stores/memory/memory-store.js";

function host(nowMs: number, maxRetainedCompletedJobs = 1024): StoreHost {
  return {
    now: () => nowMs,
    setTimer: systemClock.setTimer,
    wake: () => undefined,
    abortRun: () => undefined,
    findDescriptor: () => undefined,
    repairSchedules: () => undefined,
    maxRetainedCompletedJobs,
    logger: consoleLogger,
  };
}

/** The ticket of a claimed run for its claimed attempt. */
function ticket(claimed: ClaimedRun | undefined, attempt = claimed?.attempt ?? 1): RunTicket {
  return { claimed: claimed!, attempt };
}

function job(id: string, dueTimeMs: number): NewRuntimeJob {
  return {
    jobId: `job-${id}`,
    runId: `run-${id}`,
    jobName: "emails.send",
    payload: { id },
    dueTimeMs,
    createdAtMs: 0,
    correlationId: null,
    maxAttempts: 3,
    resilience: null,
    resilienceMode: "deferred-retry",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
  };
}

describe("the memory store (the JobStore contract, in memory)", () => {
  it("claims only due runs, earliest first, up to the limit, and reports the next due time", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("late", 300));
    store.insertJob(job("early", 100));
    store.insertJob(job("mid", 200));
    expect(store.nextDueTime()).toBe(100);
    expect(store.claimDueRuns(250, 1).map((run) => run.runId)).toEqual(["run-early"]);
    expect(store.claimDueRuns(250, 10).map((run) => run.runId)).toEqual(["run-mid"]);
    expect(store.nextDueTime()).toBe(300);
    expect(store.listActiveRuns().map((run) => [run.runId, run.status, run.startedAt])).toEqual([
      ["run-early", "running", null],
      ["run-mid", "running", null],
    ]);
  });

  it("completion is fenced by the ticket: a second completion returns false and changes nothing", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("a", 0));
    const [claimed] = store.claimDueRuns(0, 10);
    expect(store.markStarted(ticket(claimed), 5)).toBe(true);
    expect(
      store.completeRun(ticket(claimed), {
        status: "succeeded",
        message: null,
        completedAtMs: 9,
        startedAtMs: 5,
      }),
    ).toBe(true);
    expect(
      store.completeRun(ticket(claimed), {
        status: "failed",
        message: "late",
        completedAtMs: 10,
        startedAtMs: 5,
      }),
    ).toBe(false);
    expect(store.markStarted(ticket(claimed), 11)).toBe(false);
    expect(store.getJob("job-a")).toMatchObject({ status: "succeeded", completedAt: new Date(9) });
  });

  it("a ticket is fenced by attempt: a retried run's earlier ticket starts and completes nothing", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("a", 0));
    const [first] = store.claimDueRuns(0, 10);
    const firstTicket = ticket(first, 1);
    store.markStarted(firstTicket, 5);
    expect(store.listActiveRuns().map((run) => run.startedAt)).toEqual([new Date(5)]);
    store.scheduleRetry(firstTicket, {
      newRunId: "run-a2",
      attempt: 2,
      dueTimeMs: 10,
      lastError: "boom",
      failedAtMs: 6,
      startedAtMs: 5,
    });
    expect(
      store.completeRun(firstTicket, {
        status: "succeeded",
        message: null,
        completedAtMs: 7,
        startedAtMs: 5,
      }),
    ).toBe(false);
    const [second] = store.claimDueRuns(10, 10);
    expect(store.markStarted(ticket(second, 1), 11)).toBe(false);
    expect(store.listActiveRuns().map((run) => run.startedAt)).toEqual([null]);
    expect(
      store.completeRun(ticket(second, 1), {
        status: "succeeded",
        message: null,
        completedAtMs: 12,
        startedAtMs: 11,
      }),
    ).toBe(false);
    expect(
      store.completeRun(ticket(second, 2), {
        status: "succeeded",
        message: null,
        completedAtMs: 12,
        startedAtMs: 11,
      }),
    ).toBe(true);
    expect(
      store.completeRun(ticket(second, 2), {
        status: "failed",
        message: "late",
        completedAtMs: 13,
        startedAtMs: 11,
      }),
    ).toBe(false);
    expect(store.getJob("job-a")).toMatchObject({
      status: "succeeded",
      currentRunId: "run-a2",
      attempt: 2,
      completedAt: new Date(12),
    });
  });

  it("a released run (never started, at shutdown) ends cancelled / scheduler shutdown: a volatile store cannot give it back", () => {
    const store = new MemoryStore();
    store.open(host(30));
    store.insertJob(job("a", 0));
    const [claimed] = store.claimDueRuns(0, 10);
    store.releaseRun(ticket(claimed));
    expect(store.getJob("job-a")).toMatchObject({ status: "cancelled", completedAt: new Date(30) });
    expect(store.listRecentOutcomes()[0]).toMatchObject({
      runId: "run-a",
      status: "cancelled",
      message: "scheduler shutdown",
      startedAt: null,
    });
    expect(
      store.completeRun(ticket(claimed), {
        status: "succeeded",
        message: null,
        completedAtMs: 31,
        startedAtMs: null,
      }),
    ).toBe(false);
  });

  it("a deferred retry keeps the job id, takes a new run id, waits, and is claimed again when due", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("a", 0));
    const [claimed] = store.claimDueRuns(0, 10);
    expect(
      store.scheduleRetry(ticket(claimed), {
        newRunId: "run-a2",
        attempt: 2,
        dueTimeMs: 1_000,
        lastError: "boom",
        failedAtMs: 1,
        startedAtMs: 0,
      }),
    ).toBe(true);
    expect(store.getJob("job-a")).toMatchObject({
      status: "waiting-retry",
      currentRunId: "run-a2",
      attempt: 2,
      lastError: "boom",
      nextAttemptDueTime: new Date(1_000),
    });
    expect(store.listQueuedRuns().map((run) => run.runId)).toEqual(["run-a2"]);
    expect(store.cancelRun("run-a", 2)).toMatchObject({ outcome: "not-found" });
    expect(store.claimDueRuns(999, 10)).toEqual([]);
    expect(store.claimDueRuns(1_000, 10).map((run) => [run.runId, run.attempt])).toEqual([
      ["run-a2", 2],
    ]);
  });

  it("cancel reports what happened: before start, active, not found", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("queued", 100));
    store.insertJob(job("active", 0));
    store.claimDueRuns(0, 10);
    expect(store.cancelJob("job-queued", 50)).toEqual({
      outcome: "cancelled-before-start",
      runId: "run-queued",
      ownedHere: true,
      jobId: "job-queued",
      jobName: "emails.send",
      traceContext: null,
    });
    expect(store.getJob("job-queued")).toMatchObject({
      status: "cancelled",
      completedAt: new Date(50),
    });
    expect(store.claimDueRuns(1_000, 10)).toEqual([]);
    expect(store.cancelRun("run-active", 60)).toEqual({
      outcome: "abort-active",
      runId: "run-active",
      ownedHere: true,
      jobId: "job-active",
    });
    expect(store.cancelJob("job-queued", 70)).toMatchObject({ outcome: "not-found", runId: null });
    expect(store.listRecentOutcomes()).toMatchObject([
      { runId: "run-queued", status: "cancelled", message: "cancelled before execution" },
    ]);
  });

  it("keeps a job's trace context: every claim of its runs (retries too) and its cancel hand it back", () => {
    const store = new MemoryStore();
    store.open(host(0));
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    store.insertJob({ ...job("traced", 0), traceContext: traceparent });
    store.insertJob(job("plain", 0));
    store.insertJob({ ...job("cancelled", 500), traceContext: traceparent });
    const claimed = store.claimDueRuns(0, 10);
    expect(claimed.map((run) => [run.jobId, run.traceContext])).toEqual([
      ["job-traced", traceparent],
      ["job-plain", null],
    ]);
    store.scheduleRetry(ticket(claimed[0]), {
      newRunId: "run-traced-2",
      attempt: 2,
      dueTimeMs: 100,
      lastError: "boom",
      failedAtMs: 1,
      startedAtMs: 0,
    });
    expect(store.claimDueRuns(100, 10).map((run) => [run.runId, run.traceContext])).toEqual([
      ["run-traced-2", traceparent],
    ]);
    expect(store.cancelJob("job-cancelled", 200)).toMatchObject({
      outcome: "cancelled-before-start",
      jobName: "emails.send",
      traceContext: traceparent,
    });
  });

  it("drops the oldest terminal jobs beyond maxRetainedCompletedJobs", () => {
    const store = new MemoryStore();
    store.open(host(0, 2));
    for (const id of ["a", "b", "c"]) {
      store.insertJob(job(id, 0));
      const [claimed] = store.claimDueRuns(0, 10);
      store.completeRun(ticket(claimed), {
        status: "succeeded",
        message: null,
        completedAtMs: 1,
        startedAtMs: 0,
      });
    }
    expect(store.getJob("job-a")).toBeNull();
    expect(store.getJob("job-b")).not.toBeNull();
    expect(store.getJob("job-c")).not.toBeNull();
  });

  it("retention counts a retried job once: its earlier ended record neither counts nor takes the retried job with it", () => {
    const store = new MemoryStore();
    store.open(host(0, 2));
    const end = (status: "succeeded" | "failed", atMs: number) => {
      const [claimed] = store.claimDueRuns(atMs, 10);
      store.completeRun(ticket(claimed), {
        status,
        message: status === "failed" ? "boom" : null,
        completedAtMs: atMs,
        startedAtMs: atMs,
      });
    };
    store.insertJob(job("a", 0));
    end("failed", 1);
    expect(store.retryJob("job-a", { newRunId: "run-a2", dueTimeMs: 2 })).toMatchObject({
      status: "queued",
      currentRunId: "run-a2",
    });
    end("succeeded", 2); // job-a's second record ended; its first one is still in the retention log
    store.insertJob(job("b", 3));
    end("succeeded", 3);
    expect(store.getJob("job-a")).toMatchObject({
      status: "succeeded",
      currentRunId: "run-a2",
      lastError: "boom",
    });
    expect(store.getJob("job-b")).toMatchObject({ status: "succeeded" });
    store.insertJob(job("c", 4));
    end("succeeded", 4);
    expect(store.getJob("job-a")).toBeNull();
    expect(store.getJob("job-b")).not.toBeNull();
    expect(store.getJob("job-c")).not.toBeNull();
    expect(store.countJobs(null).succeeded).toBe(2);
  });

  it("close records still-queued runs cancelled / scheduler shutdown (a volatile store loses them)", () => {
    const store = new MemoryStore();
    store.open(host(42));
    store.insertJob(job("a", 1_000));
    store.close();
    expect(store.getJob("job-a")).toMatchObject({ status: "cancelled", completedAt: new Date(42) });
    expect(store.listRecentOutcomes()[0]).toMatchObject({ message: "scheduler shutdown" });
    expect(store.nextDueTime()).toBeNull();
  });
});

describe("pending order", () => {
  it("claims by due time then insertion order, whether due times arrive in order or not (2,000 random inserts)", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const store = new MemoryStore();
    store.open(host(0));
    const inserted: { runId: string; dueTimeMs: number; order: number }[] = [];
    let due = 0;
    for (let order = 0; order < 2_000; order++) {
      due = random() < 0.7 ? due + Math.floor(random() * 3) : Math.floor(random() * 1_000);
      const id = String(order);
      store.insertJob(job(id, due));
      inserted.push({ runId: `run-${id}`, dueTimeMs: due, order });
    }
    const expected = [...inserted]
      .sort((a, b) => a.dueTimeMs - b.dueTimeMs || a.order - b.order)
      .map((entry) => entry.runId);
    const claimed: string[] = [];
    for (let now = 0; now <= 5_000; now += 97)
      claimed.push(...store.claimDueRuns(now, 1_000_000).map((run) => run.runId));
    expect(claimed).toEqual(expected);
  });

  it("lists each running job once, also after a deferred retry re-claims it and after thousands of completions", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("retried", 0));
    const [retried] = store.claimDueRuns(0, 10);
    store.scheduleRetry(ticket(retried), {
      newRunId: "run-retried-2",
      attempt: 2,
      dueTimeMs: 0,
      lastError: "boom",
      failedAtMs: 0,
      startedAtMs: null,
    });
    expect(store.listActiveRuns()).toEqual([]);
    store.claimDueRuns(0, 10);
    for (let index = 0; index < 3_000; index++) store.insertJob(job(String(index), 0));
    const claimed = store.claimDueRuns(0, 10_000);
    for (const run of claimed.slice(0, 2_990))
      store.completeRun(ticket(run), {
        status: "succeeded",
        message: null,
        completedAtMs: 0,
        startedAtMs: null,
      });
    const expected = ["run-retried-2", ...claimed.slice(2_990).map((run) => run.runId)];
    expect(store.listActiveRuns().map((run) => run.runId)).toEqual(expected);
    expect(store.listActiveRuns().every((run) => run.status === "running")).toBe(true);
  });
});

describe("the memory store's operations views", () => {
  const listing = { statuses: null, jobName: null, correlationId: null, key: null, after: null };
  /** A job id whose order among its siblings is `n` (ids compare as strings). */
  const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

  it("lists newest first even when jobs were created out of order (the clock went back)", () => {
    const store = new MemoryStore();
    store.open(host(0));
    const createdAt = [50, 10, 30, 30, 20, 60, 10];
    createdAt.forEach((createdAtMs, n) =>
      store.insertJob({
        ...job(String(n), 1_000),
        jobId: uuid(n),
        runId: uuid(100 + n),
        createdAtMs,
      }),
    );
    const expected = createdAt
      .map((createdAtMs, n) => ({ createdAtMs, jobId: uuid(n) }))
      .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.jobId < b.jobId ? 1 : -1))
      .map((position) => position.jobId);
    const pages: string[][] = [];
    let after = null;
    for (;;) {
      const page = store.listJobs({ ...listing, after, limit: 3 });
      if (page.length === 0) break;
      pages.push(page.map((state) => state.jobId));
      const last = page[page.length - 1]!;
      after = { createdAtMs: last.createdAt.getTime(), jobId: last.jobId };
    }
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(expected);
  });

  it("a paused name's due runs are parked, not claimed, and come back in due order on resume", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("a", 20));
    store.insertJob({ ...job("b", 10), jobName: "reports.build" });
    store.insertJob(job("c", 5));
    store.setJobPaused("emails.send", true);
    expect(store.isJobPaused("emails.send")).toBe(true);
    expect(store.nextDueTime()).toBe(10);
    expect(store.claimDueRuns(100, 10).map((run) => run.runId)).toEqual(["run-b"]);
    expect(store.nextDueTime()).toBeNull();
    expect(store.listQueuedRuns().map((run) => run.runId)).toEqual(["run-c", "run-a"]);
    expect(store.nextDueTimes()).toEqual(new Map([["emails.send", 5]]));
    expect(store.pausedJobNames()).toEqual(new Set(["emails.send"]));
    store.setJobPaused("emails.send", false);
    expect(store.claimDueRuns(100, 10).map((run) => run.runId)).toEqual(["run-c", "run-a"]);
  });

  it("a returned run is queued again unchanged; a stale ticket returns nothing", () => {
    const store = new MemoryStore();
    store.open(host(0));
    store.insertJob(job("a", 0));
    const [claimed] = store.claimDueRuns(0, 10);
    expect(store.returnRun(ticket(claimed))).toBe(true);
    expect(store.returnRun(ticket(claimed))).toBe(false);
    expect(store.getJob("job-a")).toMatchObject({
      status: "queued",
      currentRunId: "run-a",
      attempt: 1,
    });
    expect(store.claimDueRuns(0, 10).map((run) => run.runId)).toEqual(["run-a"]);
  });
});

describe("the memory store's run-time schedules", () => {
  const RULE: ScheduleRule = {
    cron: null,
    timeZone: null,
    fixedRateMs: 60_000,
    fixedDelayMs: null,
    misfire: "skip",
    overlap: "allow-concurrent",
    enabled: true,
  };
  const headOf = (revision: string, dueMs: number): NewRuntimeJob =>
    occurrenceJob(
      "tenant.report",
      { tenant: 1 },
      dueMs,
      { scheduleKey: "tenant-1", revision, rule: RULE, catchUp: false },
      null,
      0,
    );

  it("an upsert planned from a running head writes nothing once a worker moved the chain past it", () => {
    const store = new MemoryStore();
    store.open(host(60_000));
    const first = headOf("r1", 60_000);
    expect(
      store.writeSchedule({
        scheduleKey: "tenant-1",
        jobName: "tenant.report",
        payload: { tenant: 1 },
        rule: RULE,
        revision: "r1",
        expectedRevision: null,
        expectedHeadJobId: null,
        replacedHeadJobId: null,
        head: first,
        nowMs: 0,
      }),
    ).toBe(true);
    expect(store.claimDueRuns(60_000, 1).map((run) => run.jobId)).toEqual([first.jobId]);
    const next = headOf("r1", 120_000);
    expect(
      store.advanceSchedule({
        scheduleKey: "tenant-1",
        revision: "r1",
        fromJobId: first.jobId,
        fromSlotMs: 60_000,
        head: next,
        catchUp: [],
      }),
    ).toBe(true);

    const upsert = {
      scheduleKey: "tenant-1",
      jobName: "tenant.report",
      payload: { tenant: 2 },
      rule: RULE,
      revision: "r2",
      expectedRevision: "r1",
      expectedHeadJobId: first.jobId,
      replacedHeadJobId: null,
      head: headOf("r2", 120_000),
      nowMs: 60_001,
    };
    expect(store.writeSchedule(upsert)).toBe(false);
    expect(store.getSchedule("tenant-1")).toMatchObject({ revision: "r1", headJobId: next.jobId });
    expect(
      store.writeSchedule({
        ...upsert,
        expectedHeadJobId: next.jobId,
        replacedHeadJobId: next.jobId,
      }),
    ).toBe(true);
  });
});
