import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../support/deferred.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;
const report = () => testJob("tenant.report");
const minutesOf = (calls: { context: { dueTime: Date } }[]) =>
  calls.map((call) => (call.context.dueTime.getTime() - START) / MINUTE);

describe("schedules defined at run time", () => {
  it("a cron schedule in a time zone runs at its wall-clock slots; each occurrence is a runtime job with the schedule's key", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    const info = await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { cron: "0 3 * * *", timeZone: "Europe/Vienna" },
    );
    expect(info).toEqual({
      scheduleKey: "tenant-1",
      jobName: "tenant.report",
      payload: { id: 1 },
      cron: "0 3 * * *",
      timeZone: "Europe/Vienna",
      fixedRate: null,
      fixedDelay: null,
      nextDueTime: new Date("2026-01-01T02:00:00Z"),
      lastOutcome: null,
      paused: false,
      enabled: true,
    });
    await clock.set(new Date("2026-01-03T00:00:00Z"));
    expect(probe.calls.map((call) => call.context.dueTime.toISOString())).toEqual([
      "2026-01-01T02:00:00.000Z",
      "2026-01-02T02:00:00.000Z",
    ]);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 1 }, { id: 1 }]);
    const first = probe.calls[0]!.context;
    expect(first.isRuntimeScheduled).toBe(true);
    expect(await scheduler.getJob(first.jobId)).toMatchObject({
      jobName: "tenant.report",
      status: "succeeded",
      key: "tenant-1",
    });
    const [listed] = await scheduler.listSchedules();
    expect(listed!.nextDueTime).toEqual(new Date("2026-01-03T02:00:00Z"));
    expect(listed!.lastOutcome).toMatchObject({
      jobName: "tenant.report",
      status: "succeeded",
      dueTime: new Date("2026-01-02T02:00:00Z"),
      isRuntimeScheduled: true,
    });
  });

  it("fixed rate counts from the upsert and keeps its grid however long a run takes", async () => {
    const job = report();
    const release = deferred();
    const { scheduler, probe, clock } = await startHarness([job]);
    probe.on("tenant.report", () => (probe.calls.length === 1 ? release.promise : undefined));
    await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { fixedRate: "1m", overlap: "allow-concurrent" },
    );
    await clock.advance(3.5 * MINUTE);
    release.resolve();
    await clock.advance(MINUTE);
    expect(minutesOf(probe.calls)).toEqual([1, 2, 3, 4]);
  });

  it("fixed delay measures from the end of the previous run", async () => {
    const job = report();
    const release = deferred();
    const { scheduler, probe, clock } = await startHarness([job]);
    probe.on("tenant.report", () => (probe.calls.length === 1 ? release.promise : undefined));
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedDelay: 60_000 });
    await clock.advance(5 * MINUTE);
    expect(minutesOf(probe.calls)).toEqual([1]);
    release.resolve();
    await scheduler.whenIdle();
    await clock.advance(MINUTE);
    expect(minutesOf(probe.calls)).toEqual([1, 6]);
  });

  it("an upsert with the same definition changes nothing: same slot, no extra run", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    await clock.advance(MINUTE);
    const first = await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { cron: "*/10 * * * *" },
    );
    await clock.advance(5 * MINUTE);
    const again = await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { cron: "*/10 * * * *", misfire: "fire-once", enabled: true },
    );
    expect(again).toEqual(first);
    await clock.advance(25 * MINUTE);
    expect(minutesOf(probe.calls)).toEqual([10, 20, 30]);
  });

  it("changing the cron replaces the pending occurrence: the old slot never runs, the new one runs once", async () => {
    const job = report();
    const { scheduler, probe, clock, outcomesOf } = await startHarness([job]);
    await clock.advance(MINUTE);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { cron: "0 * * * *" });
    await clock.advance(60 * MINUTE);
    const changed = await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { cron: "30 * * * *" },
    );
    expect(changed.nextDueTime).toEqual(new Date(START + 90 * MINUTE));
    expect(changed.cron).toBe("30 * * * *");
    await clock.advance(3 * 60 * MINUTE);
    expect(minutesOf(probe.calls)).toEqual([60, 90, 150, 210]);
    expect(outcomesOf("tenant.report").map((outcome) => outcome.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    expect(
      (await scheduler.snapshot()).queuedRuns.map(
        (run) => (run.dueTime.getTime() - START) / MINUTE,
      ),
    ).toEqual([270]);
  });

  it("changing only the payload keeps the pending slot; the slot runs with the new payload", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "10m" });
    await clock.advance(15 * MINUTE);
    const info = await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 2 },
      { fixedRate: "10m" },
    );
    expect(info.nextDueTime).toEqual(new Date(START + 20 * MINUTE));
    await clock.advance(15 * MINUTE);
    expect(
      probe.calls.map((call) => [(call.context.dueTime.getTime() - START) / MINUTE, call.payload]),
    ).toEqual([
      [10, { id: 1 }],
      [20, { id: 2 }],
      [30, { id: 2 }],
    ]);
  });

  it("an upsert while an occurrence runs plans the next slot after it, never the same one again", async () => {
    const job = report();
    const release = deferred();
    const { scheduler, probe, clock } = await startHarness([job]);
    probe.on("tenant.report", () => (probe.calls.length === 1 ? release.promise : undefined));
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "10m" });
    await clock.advance(10 * MINUTE);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 2 }, { fixedRate: "10m" });
    release.resolve();
    await clock.advance(20 * MINUTE);
    expect(
      probe.calls.map((call) => [(call.context.dueTime.getTime() - START) / MINUTE, call.payload]),
    ).toEqual([
      [10, { id: 1 }],
      [20, { id: 2 }],
      [30, { id: 2 }],
    ]);
  });

  it("removeSchedule deletes the schedule and its pending occurrence; nothing runs after", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "1m" });
    await clock.advance(MINUTE);
    const pending = (await scheduler.snapshot()).queuedRuns[0]!;
    expect(await scheduler.removeSchedule("tenant-1")).toBe(true);
    expect(await scheduler.removeSchedule("tenant-1")).toBe(false);
    expect(await scheduler.getJob(pending.jobId)).toBeNull();
    expect(await scheduler.listSchedules()).toEqual([]);
    await clock.advance(10 * MINUTE);
    expect(minutesOf(probe.calls)).toEqual([1]);
  });

  it("listSchedules lists every schedule by key, intervals in milliseconds", async () => {
    const job = report();
    const { scheduler } = await startHarness([job]);
    await scheduler.upsertSchedule(
      "b",
      "tenant.report",
      { id: 2 },
      { fixedDelay: "90s", enabled: false },
    );
    await scheduler.upsertSchedule("a", job.jobClass, { id: 1 }, { fixedRate: "1h" });
    const listed = await scheduler.listSchedules();
    expect(
      listed.map((info) => [
        info.scheduleKey,
        info.fixedRate,
        info.fixedDelay,
        info.cron,
        info.timeZone,
        info.enabled,
        info.nextDueTime?.getTime(),
      ]),
    ).toEqual([
      ["a", 3_600_000, null, null, null, true, START + 3_600_000],
      ["b", null, 90_000, null, null, false, START + 90_000],
    ]);
  });

  it("misfire: a slot found a whole slot late fires once, is skipped, or catches up, then the grid goes on from now", async () => {
    const jobs = [testJob("once"), testJob("skip"), testJob("catch")];
    const { scheduler, probe, clock, outcomesOf } = await startHarness(jobs, {
      maxMisfireCatchUpRuns: 2,
    });
    await scheduler.upsertSchedule("once", "once", { id: 1 }, { fixedRate: "1m" });
    await scheduler.upsertSchedule("skip", "skip", { id: 1 }, { fixedRate: "1m", misfire: "skip" });
    await scheduler.upsertSchedule(
      "catch",
      "catch",
      { id: 1 },
      { fixedRate: "1m", misfire: "catch-up" },
    );
    await clock.jump(5.5 * MINUTE);
    await clock.advance(MINUTE);
    expect(minutesOf(probe.callsOf("once"))).toEqual([1, 6]);
    expect(minutesOf(probe.callsOf("skip"))).toEqual([6]);
    expect(
      outcomesOf("skip").map((outcome) => [
        (outcome.dueTime.getTime() - START) / MINUTE,
        outcome.status,
        outcome.message,
      ]),
    ).toEqual([
      [1, "skipped", "misfire"],
      [6, "succeeded", null],
    ]);
    expect(minutesOf(probe.callsOf("catch"))).toEqual([1, 2, 3, 6]);
  });

  it("overlap skip records a slot skipped while the previous occurrence of the schedule still runs", async () => {
    const job = report();
    const release = deferred();
    const { scheduler, probe, clock, outcomesOf } = await startHarness([job]);
    // tenant-1's first occurrence runs until released. Both schedules' slots fall due at the same
    // instants, and the order of runs due together is not promised, so calls are compared sorted.
    let tenantOneRuns = 0;
    probe.on("tenant.report", (payload) =>
      (payload as { id: number }).id === 1 && ++tenantOneRuns === 1 ? release.promise : undefined,
    );
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "1m" });
    await scheduler.upsertSchedule("tenant-2", job.jobClass, { id: 2 }, { fixedRate: "1m" });
    await clock.advance(2 * MINUTE);
    release.resolve();
    await clock.advance(MINUTE);
    expect(
      probe.calls
        .map((call) => [(call.context.dueTime.getTime() - START) / MINUTE, call.payload] as const)
        .sort(([a, x], [b, y]) => a - b || (x as { id: number }).id - (y as { id: number }).id),
    ).toEqual([
      [1, { id: 1 }],
      [1, { id: 2 }],
      [2, { id: 2 }],
      [3, { id: 1 }],
      [3, { id: 2 }],
    ]);
    expect(
      outcomesOf("tenant.report")
        .filter((outcome) => outcome.status === "skipped")
        .map((outcome) => [(outcome.dueTime.getTime() - START) / MINUTE, outcome.message]),
    ).toEqual([[2, "overlap"]]);
  });

  it("overlap queue waits for the previous occurrence and coalesces further slots to one waiter", async () => {
    const job = report();
    const release = deferred();
    const { scheduler, probe, clock, outcomesOf } = await startHarness([job]);
    probe.on("tenant.report", () => (probe.calls.length === 1 ? release.promise : undefined));
    await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { fixedRate: "1m", overlap: "queue" },
    );
    await clock.advance(3 * MINUTE);
    release.resolve();
    await scheduler.whenIdle();
    expect(minutesOf(probe.calls)).toEqual([1, 2]);
    expect(
      outcomesOf("tenant.report")
        .filter((outcome) => outcome.status === "skipped")
        .map((outcome) => [(outcome.dueTime.getTime() - START) / MINUTE, outcome.message]),
    ).toEqual([[3, "coalesced"]]);
  });

  it("a disabled schedule records each slot skipped / disabled and keeps its chain", async () => {
    const job = report();
    const { scheduler, probe, clock, outcomesOf } = await startHarness([job]);
    await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { fixedRate: "1m", enabled: false },
    );
    await clock.advance(2 * MINUTE);
    expect(probe.calls).toEqual([]);
    expect(outcomesOf("tenant.report").map((outcome) => [outcome.status, outcome.message])).toEqual(
      [
        ["skipped", "disabled"],
        ["skipped", "disabled"],
      ],
    );
    await scheduler.upsertSchedule(
      "tenant-1",
      job.jobClass,
      { id: 1 },
      { fixedRate: "1m", enabled: true },
    );
    await clock.advance(MINUTE);
    expect(minutesOf(probe.calls)).toEqual([3]);
  });

  it("cancelling a pending occurrence skips that slot only; the schedule goes on with the next", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "1m" });
    const pending = (await scheduler.snapshot()).queuedRuns[0]!;
    expect(await scheduler.cancelJob(pending.jobId)).toBe(true);
    expect(await scheduler.getJob(pending.jobId)).toMatchObject({
      status: "cancelled",
      key: "tenant-1",
    });
    const [info] = await scheduler.listSchedules();
    expect(info!.nextDueTime).toEqual(new Date(START + 2 * MINUTE));
    await clock.advance(3 * MINUTE);
    expect(minutesOf(probe.calls)).toEqual([2, 3]);
  });

  it("a paused job's schedule says so; its pending slot waits and runs once at resume, then the grid goes on from now", async () => {
    const job = report();
    const { scheduler, probe, clock } = await startHarness([job]);
    await scheduler.upsertSchedule("tenant-1", job.jobClass, { id: 1 }, { fixedRate: "1m" });
    await scheduler.pauseJob("tenant.report");
    expect((await scheduler.listSchedules())[0]!.paused).toBe(true);
    await clock.advance(3 * MINUTE);
    expect(probe.calls).toEqual([]);
    await scheduler.resumeJob("tenant.report");
    await clock.advance(0);
    expect(minutesOf(probe.calls)).toEqual([1]);
    const [info] = await scheduler.listSchedules();
    expect(info).toMatchObject({ paused: false, nextDueTime: new Date(START + 4 * MINUTE) });
  });

  it("refuses a bad definition with the generator's messages (ELR206), and a bad job, payload or key", async () => {
    const job = report();
    const recurring = testJob("nightly", {
      supportsRuntimeScheduling: false,
      target: { kind: "method", className: "Nightly", methodName: "run", isStatic: false },
    });
    const { scheduler } = await startHarness([job, recurring]);
    const upsert = (definition: object) =>
      scheduler.upsertSchedule("t", job.jobClass, { id: 1 }, definition);
    await expect(upsert({ cron: "0 3 * *" })).rejects.toMatchObject({
      code: "ELR206",
      message: expect.stringMatching(/^upsertSchedule\("t"\): Invalid cron expression "0 3 \* \*"/),
    });
    await expect(upsert({ cron: "0 0 30 2 *" })).rejects.toMatchObject({
      code: "ELR206",
      message: expect.stringContaining("never fires"),
    });
    await expect(upsert({ cron: "0 3 * * *", timeZone: "Mars/Olympus" })).rejects.toMatchObject({
      message:
        'upsertSchedule("t"): Unknown time zone "Mars/Olympus". Use an IANA time zone id such as "UTC" or "Europe/Vienna".',
    });
    await expect(upsert({ cron: "0 3 * * *", fixedRate: "1m" })).rejects.toMatchObject({
      message:
        'upsertSchedule("t"): Conflicting schedule options: a job has one schedule, but cron and fixedRate are both set; keep one.',
    });
    await expect(upsert({ fixedRate: "1m", timeZone: "UTC" })).rejects.toMatchObject({
      message:
        'upsertSchedule("t"): Conflicting schedule options: timeZone applies to cron schedules only; add a cron expression or remove timeZone.',
    });
    await expect(upsert({})).rejects.toMatchObject({
      message: expect.stringContaining("a schedule needs one of cron, fixedRate or fixedDelay"),
    });
    await expect(upsert({ fixedDelay: -5 })).rejects.toMatchObject({
      message: 'upsertSchedule("t"): fixedDelay is -5, which is negative; use 0 or more.',
    });
    await expect(upsert({ fixedRate: "soon" })).rejects.toMatchObject({
      message: expect.stringMatching(
        /^upsertSchedule\("t"\): Invalid fixedRate: "soon" is not a duration/,
      ),
    });
    await expect(upsert({ fixedRate: 0 })).rejects.toMatchObject({
      message: expect.stringContaining("an interval of 0 would run without pause"),
    });
    await expect(upsert({ fixedRate: "1m", overlap: "sometimes" })).rejects.toMatchObject({
      message:
        'upsertSchedule("t"): Invalid value for option overlap: "sometimes". Expected one of "skip", "queue", "allow-concurrent".',
    });
    await expect(upsert({ fixedRate: "1m", initialDelay: "5s" })).rejects.toMatchObject({
      message: expect.stringContaining('Unknown option "initialDelay" of the schedule'),
    });
    await expect(
      scheduler.upsertSchedule("t", job.jobClass, { id: "1" } as unknown as { id: number }, {
        fixedRate: "1m",
      }),
    ).rejects.toMatchObject({
      code: "ELR202",
      message:
        'upsertSchedule("t"): invalid payload for job "tenant.report": payload.id: expected number.',
    });
    await expect(
      scheduler.upsertSchedule("t", "nightly", {}, { fixedRate: "1m" }),
    ).rejects.toMatchObject({ code: "ELR201" });
    await expect(
      scheduler.upsertSchedule("", job.jobClass, { id: 1 }, { fixedRate: "1m" }),
    ).rejects.toMatchObject({ code: "ELR204" });
    await expect(scheduler.removeSchedule(7 as unknown as string)).rejects.toMatchObject({
      code: "ELR204",
    });
    expect(await scheduler.listSchedules()).toEqual([]);
  });
});
