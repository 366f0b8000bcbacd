import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("snapshot", () => {
  it("lists jobs, queued runs by due time, active runs by start and the latest outcome per job name", async () => {
    const email = testJob("emails.send", {
      group: "mail",
      overlap: "queue",
      overlapExplicit: true,
    });
    const report = testJob("reports.nightly", {
      schedule: { kind: "cron", expression: "0 3 * * *", timeZone: "UTC" },
      supportsRuntimeScheduling: false,
      misfire: "skip",
    });
    const { scheduler, probe, clock } = await startHarness([email, report]);
    const release = deferred();
    probe.on("emails.send", (payload) =>
      (payload as { id: number }).id === 1 ? release.promise : undefined,
    );
    const late = await scheduler.schedule(email.jobClass, { id: 3 }, clock.now() + 60_000);
    const early = await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() + 30_000);
    const active = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(10);

    const snapshot = await scheduler.snapshot();
    expect(snapshot.capturedAt.getTime()).toBe(clock.now());
    expect(snapshot.jobs).toEqual([
      {
        name: "emails.send",
        scheduleKind: null,
        supportsRuntimeScheduling: true,
        group: "mail",
        overlap: "queue",
        misfire: "fire-once",
        maxConcurrentRuns: 0,
        nextDueTime: new Date(early.dueTime),
        paused: false,
      },
      {
        name: "reports.nightly",
        scheduleKind: "cron",
        supportsRuntimeScheduling: false,
        group: null,
        overlap: "skip",
        misfire: "skip",
        maxConcurrentRuns: 0,
        nextDueTime: new Date("2026-01-01T03:00:00Z"),
        paused: false,
      },
    ]);
    expect(
      snapshot.queuedRuns.map((run) => [run.runId, run.status, run.isRuntimeScheduled]),
    ).toEqual([
      [early.runId, "queued", true],
      [late.runId, "queued", true],
      [expect.any(String), "queued", false],
    ]);
    expect(snapshot.activeRuns).toEqual([
      {
        runId: active.runId,
        jobId: active.jobId,
        jobName: "emails.send",
        dueTime: new Date("2026-01-01T00:00:00Z"),
        startedAt: new Date("2026-01-01T00:00:00Z"),
        isRuntimeScheduled: true,
        status: "running",
      },
    ]);
    expect(snapshot.recentOutcomes).toEqual([]);

    release.resolve();
    await clock.advance(60_000);
    const after = await scheduler.snapshot();
    expect(after.recentOutcomes).toHaveLength(1);
    expect(after.recentOutcomes[0]).toMatchObject({
      jobId: late.jobId,
      status: "succeeded",
      message: null,
      isRuntimeScheduled: true,
    });
  });

  it("recent outcomes are newest first across job names", async () => {
    const a = testJob("a");
    const b = testJob("b");
    const { scheduler, clock } = await startHarness([a, b]);
    await scheduler.enqueue(a.jobClass, { id: 1 });
    await clock.advance(1_000);
    await scheduler.enqueue(b.jobClass, { id: 2 });
    await clock.advance(0);
    expect((await scheduler.snapshot()).recentOutcomes.map((outcome) => outcome.jobName)).toEqual([
      "b",
      "a",
    ]);
  });
});

describe("retention", () => {
  it("keeps maxRetainedCompletedJobs terminal jobs, dropping the oldest first", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock } = await startHarness([email], { maxRetainedCompletedJobs: 2 });
    const handles = [];
    for (const id of [1, 2, 3]) {
      handles.push(await scheduler.enqueue(email.jobClass, { id }));
      await clock.advance(1);
    }
    const pending = await scheduler.schedule(email.jobClass, { id: 4 }, clock.now() + 60_000);
    expect(await scheduler.getJob(handles[0]!.jobId)).toBeNull();
    expect((await scheduler.getJob(handles[1]!.jobId))?.status).toBe("succeeded");
    expect((await scheduler.getJob(handles[2]!.jobId))?.status).toBe("succeeded");
    expect((await scheduler.getJob(pending.jobId))?.status).toBe("queued");
  });
});
