import { afterEach, describe, expect, it } from "vitest";
import {
  resiliencePolicy,
  type JobPage,
  type JobScheduler,
  type JobState,
  type ListJobsQuery,
} from "../../src/index.js";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const retry = resiliencePolicy("retry", { maxRetryAttempts: 2, delay: "1m" });

/** Every page of a query, following nextCursor; asserts each page holds at most `limit` jobs. */
async function allPages(scheduler: JobScheduler, query: ListJobsQuery): Promise<JobState[][]> {
  const pages: JobState[][] = [];
  let cursor: string | null = query.cursor ?? null;
  do {
    const page: JobPage = await scheduler.listJobs({ ...query, cursor });
    expect(page.jobs.length).toBeLessThanOrEqual(query.limit ?? 100);
    pages.push(page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1_000);
  return pages;
}

/**
 * One job in each status, created one millisecond apart, oldest first: succeeded, failed,
 * cancelled, running, waiting-retry, queued.
 */
async function jobsInEveryStatus() {
  const email = testJob("emails.send");
  const report = testJob("reports.build");
  const harness = await startHarness([email, report], { policies: [retry] });
  const { scheduler, probe, clock } = harness;
  const hold = deferred();
  probe.on("emails.send", (payload) => {
    const id = (payload as { id: number }).id;
    if (id === 2 || id === 5) throw new Error(`boom ${id}`);
    if (id === 4) return hold.promise;
    return undefined;
  });
  const succeeded = await scheduler.enqueue(
    email.jobClass,
    { id: 1 },
    { correlationId: "order-1" },
  );
  await clock.advance(1);
  const failed = await scheduler.enqueue(email.jobClass, { id: 2 }, { correlationId: "order-1" });
  await clock.advance(1);
  const cancelled = await scheduler.schedule(report.jobClass, { id: 3 }, clock.now() + 60_000, {
    correlationId: "order-2",
  });
  await scheduler.cancelJob(cancelled.jobId);
  await clock.advance(1);
  const running = await scheduler.enqueue(email.jobClass, { id: 4 });
  await probe.whenCalls(3);
  await clock.advance(1);
  const waitingRetry = await scheduler.enqueue(
    email.jobClass,
    { id: 5 },
    { resilience: "retry", resilienceMode: "deferred-retry", correlationId: "order-2" },
  );
  await clock.advance(1);
  const queued = await scheduler.schedule(report.jobClass, { id: 6 }, clock.now() + 60_000);
  await clock.advance(0);
  const ids = { succeeded, failed, cancelled, running, waitingRetry, queued };
  return {
    ...harness,
    hold,
    ids: Object.fromEntries(
      Object.entries(ids).map(([status, handle]) => [status, handle.jobId]),
    ) as Record<keyof typeof ids, string>,
  };
}

describe("listJobs", () => {
  it("lists runtime jobs newest first, in every status, with the state getJob reports", async () => {
    const { scheduler, ids, hold } = await jobsInEveryStatus();
    const page = await scheduler.listJobs();
    expect(page.nextCursor).toBeNull();
    expect(page.jobs.map((job) => [job.jobId, job.status])).toEqual([
      [ids.queued, "queued"],
      [ids.waitingRetry, "waiting-retry"],
      [ids.running, "running"],
      [ids.cancelled, "cancelled"],
      [ids.failed, "failed"],
      [ids.succeeded, "succeeded"],
    ]);
    // getJob adds the payload (for one job's page); a listing may leave it out.
    const withoutPayload = ({ payload: _payload, ...state }: JobState) => state;
    for (const job of page.jobs)
      expect(withoutPayload(job)).toEqual(withoutPayload((await scheduler.getJob(job.jobId))!));
    hold.resolve();
  });

  it("filters by one status or several; waiting-retry is a pending deferred retry, not queued", async () => {
    const { scheduler, ids, hold } = await jobsInEveryStatus();
    const listed = async (query: ListJobsQuery) =>
      (await scheduler.listJobs(query)).jobs.map((job) => job.jobId);
    expect(await listed({ status: "failed" })).toEqual([ids.failed]);
    expect(await listed({ status: "waiting-retry" })).toEqual([ids.waitingRetry]);
    expect(await listed({ status: "queued" })).toEqual([ids.queued]);
    expect(await listed({ status: "running" })).toEqual([ids.running]);
    expect(await listed({ status: ["failed", "cancelled", "succeeded"] })).toEqual([
      ids.cancelled,
      ids.failed,
      ids.succeeded,
    ]);
    expect(await listed({ status: ["queued", "waiting-retry"] })).toEqual([
      ids.queued,
      ids.waitingRetry,
    ]);
    expect(await listed({ status: "skipped" })).toEqual([]);
    hold.resolve();
  });

  it("filters by job name and correlation id, alone and combined with status", async () => {
    const { scheduler, ids, hold } = await jobsInEveryStatus();
    const listed = async (query: ListJobsQuery) =>
      (await scheduler.listJobs(query)).jobs.map((job) => job.jobId);
    expect(await listed({ jobName: "reports.build" })).toEqual([ids.queued, ids.cancelled]);
    expect(await listed({ jobName: "reports.build", status: "cancelled" })).toEqual([
      ids.cancelled,
    ]);
    expect(await listed({ jobName: "emails.send", status: ["failed", "running"] })).toEqual([
      ids.running,
      ids.failed,
    ]);
    expect(await listed({ correlationId: "order-1" })).toEqual([ids.failed, ids.succeeded]);
    expect(await listed({ correlationId: "order-2", status: "waiting-retry" })).toEqual([
      ids.waitingRetry,
    ]);
    expect(await listed({ correlationId: "order-2", jobName: "reports.build" })).toEqual([
      ids.cancelled,
    ]);
    expect(
      await listed({ correlationId: "order-2", jobName: "reports.build", status: "queued" }),
    ).toEqual([]);
    expect(await listed({ jobName: "no.such.job" })).toEqual([]);
    hold.resolve();
  });

  it("pages by cursor: every job exactly once, newest first, while new jobs arrive and listed ones finish", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const created: string[] = [];
    for (let id = 0; id < 23; id++) {
      created.push((await scheduler.schedule(email.jobClass, { id }, clock.now() + 60_000)).jobId);
      if (id % 4 === 3) await clock.advance(1); // several jobs share a creation millisecond: the job id breaks the tie
    }
    const first = await scheduler.listJobs({ limit: 10 });
    expect(first.jobs.map((job) => job.jobId)).toEqual(created.slice(-10).reverse());
    expect(first.nextCursor).toEqual(expect.any(String));

    // Between pages: newer jobs arrive (they belong before the cursor) and every listed job runs.
    for (let id = 100; id < 103; id++) await scheduler.enqueue(email.jobClass, { id });
    await clock.advance(60_000);
    const rest = await allPages(scheduler, { limit: 10, cursor: first.nextCursor });
    expect(rest.map((page) => page.length)).toEqual([10, 3]);
    expect(rest.flat().map((job) => job.jobId)).toEqual(created.slice(0, 13).reverse());
    expect(rest.flat().every((job) => job.status === "succeeded")).toBe(true);
  });

  it("pages through a filter: the cursor carries the position, the query the filter", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    probe.on("emails.send", (payload) => {
      if ((payload as { id: number }).id % 3 === 0) throw new Error("boom");
    });
    const failed: string[] = [];
    for (let id = 0; id < 30; id++) {
      const handle = await scheduler.enqueue(email.jobClass, { id });
      if (id % 3 === 0) failed.push(handle.jobId);
    }
    await clock.advance(0);
    const pages = await allPages(scheduler, { status: "failed", limit: 4 });
    expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
    expect(pages.flat().map((job) => job.jobId)).toEqual(failed.reverse());
  });

  it("limit: 100 by default, up to 1000; outside 1..1000 or not whole is ELR311", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    for (let id = 0; id < 101; id++)
      await scheduler.schedule(email.jobClass, { id }, clock.now() + 60_000);
    const first = await scheduler.listJobs();
    expect(first.jobs).toHaveLength(100);
    const second = await scheduler.listJobs({ cursor: first.nextCursor });
    expect(second).toMatchObject({
      jobs: [expect.objectContaining({ status: "queued" })],
      nextCursor: null,
    });
    expect((await scheduler.listJobs({ limit: 1000 })).jobs).toHaveLength(101);
    for (const limit of [0, 1001, 2.5, -1, Number.NaN]) {
      await expect(scheduler.listJobs({ limit })).rejects.toMatchObject({
        name: "RangeError",
        code: "ELR311",
        message: expect.stringContaining("from 1 to 1000"),
      });
    }
  });

  it("a malformed query is a clear ELR310 error", async () => {
    const { scheduler } = await startHarness([testJob("emails.send")]);
    const rejects = (query: unknown, message: RegExp) =>
      expect(scheduler.listJobs(query as ListJobsQuery)).rejects.toMatchObject({
        code: "ELR310",
        message: expect.stringMatching(message),
      });
    await rejects({ status: "done" }, /unknown status "done"; use one or several of "queued"/);
    await rejects({ status: [] }, /empty array/);
    await rejects({ jobName: 42 }, /jobName must be a string/);
    await rejects({ correlationId: null }, /correlationId must be a string/);
    await rejects({ cursor: "not-a-cursor" }, /pass page.nextCursor unchanged/);
    await rejects({ cursor: 7 }, /pass page.nextCursor unchanged/);
    await rejects("failed", /expected a query object/);
    await expect(scheduler.countJobs({ jobName: 1 } as never)).rejects.toMatchObject({
      code: "ELR310",
    });
  });

  it("filters by key: the jobs enqueued with it, and a run-time schedule's occurrences under its key", async () => {
    const sync = testJob("tenant.sync");
    const report = testJob("tenant.report");
    const { scheduler, clock } = await startHarness([sync, report]);
    const ran = await scheduler.enqueue(sync.jobClass, { id: 1 }, { key: "tenant-7" });
    await clock.advance(0);
    const pending = await scheduler.schedule(sync.jobClass, { id: 2 }, clock.now() + 60_000, {
      key: "tenant-7",
    });
    await scheduler.schedule(sync.jobClass, { id: 3 }, clock.now() + 60_000, { key: "tenant-8" });
    await scheduler.upsertSchedule("tenant-7", report.jobClass, { id: 4 }, { fixedRate: "1h" });
    const head = (await scheduler.snapshot()).queuedRuns.find(
      (run) => run.jobName === "tenant.report",
    )!;

    const all = await scheduler.listJobs({ key: "tenant-7" });
    expect(all.jobs.map((job) => [job.jobId, job.jobName, job.status, job.key])).toEqual([
      [head.jobId, "tenant.report", "queued", "tenant-7"],
      [pending.jobId, "tenant.sync", "queued", "tenant-7"],
      [ran.jobId, "tenant.sync", "succeeded", "tenant-7"],
    ]);
    expect(
      (
        await scheduler.listJobs({ key: "tenant-7", jobName: "tenant.sync", status: "queued" })
      ).jobs.map((job) => job.jobId),
    ).toEqual([pending.jobId]);
    const paged = await scheduler.listJobs({ key: "tenant-7", limit: 2 });
    expect(paged.jobs).toHaveLength(2);
    expect(
      (await scheduler.listJobs({ key: "tenant-7", cursor: paged.nextCursor })).jobs.map(
        (job) => job.jobId,
      ),
    ).toEqual([ran.jobId]);
    expect((await scheduler.listJobs({ key: "nobody" })).jobs).toEqual([]);
    await expect(scheduler.listJobs({ key: 7 } as never)).rejects.toMatchObject({
      code: "ELR310",
      message: expect.stringMatching(/key must be a string/),
    });
  });

  it("keeps answering after stop, from the last known state", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email]);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);
    await scheduler.stop();
    expect((await scheduler.listJobs()).jobs.map((job) => [job.jobId, job.status])).toEqual([
      [handle.jobId, "succeeded"],
    ]);
  });
});
