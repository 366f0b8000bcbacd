import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("bulk enqueue", () => {
  it("enqueueMany inserts every payload and answers the handles in input order", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], { maxConcurrentExecutions: 1 });
    const handles = await scheduler.enqueueMany(email.jobClass, [{ id: 1 }, { id: 2 }, { id: 3 }], {
      correlationId: "batch-9",
    });
    expect(handles).toHaveLength(3);
    expect(new Set(handles.map((handle) => handle.jobId)).size).toBe(3);
    expect(
      handles.every(
        (handle) =>
          handle.jobName === "emails.send" &&
          handle.dueTime.getTime() === clock.now() &&
          !("deduplicated" in handle),
      ),
    ).toBe(true);
    await clock.advance(0);
    expect(
      probe.calls.map((call) => [call.payload, call.context.jobId, call.context.correlationId]),
    ).toEqual(handles.map((handle, index) => [{ id: index + 1 }, handle.jobId, "batch-9"]));
  });

  it("an invalid item fails the whole call before anything is inserted, naming its index", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email]);
    await expect(
      scheduler.enqueueMany(email.jobClass, [
        { id: 1 },
        { id: 2 },
        { id: "3" } as unknown as { id: number },
      ]),
    ).rejects.toMatchObject({
      code: "ELR202",
      message:
        'enqueueMany: item 2: Invalid payload for job "emails.send": payload.id: expected number.',
    });
    await expect(
      scheduler.scheduleMany([
        { job: email.jobClass, payload: { id: 1 }, dueTime: clock.now() },
        { job: email.jobClass, payload: { id: 2 }, dueTime: new Date("nope") },
      ]),
    ).rejects.toMatchObject({
      code: "ELR203",
      message: expect.stringMatching(
        /^scheduleMany: item 1: Invalid dueTime for job "emails.send": Invalid Date\./,
      ),
    });
    await expect(
      scheduler.scheduleMany([{ job: "no.such.job", payload: {}, dueTime: 0 }]),
    ).rejects.toMatchObject({
      code: "ELR201",
      message: expect.stringMatching(/^scheduleMany: item 0: Unknown job "no.such.job"/),
    });
    await clock.advance(60_000);
    expect(probe.calls).toEqual([]);
    expect((await scheduler.snapshot()).queuedRuns).toEqual([]);
  });

  it("scheduleMany takes a job, payload, due time and options per item", async () => {
    const email = testJob("emails.send");
    const report = testJob("reports.build");
    const { scheduler, probe, clock } = await startHarness([email, report]);
    const start = clock.now();
    const handles = await scheduler.scheduleMany([
      {
        job: email.jobClass,
        payload: { id: 1 },
        dueTime: start + 2_000,
        options: { correlationId: "a" },
      },
      { job: "reports.build", payload: { id: 2 }, dueTime: new Date(start + 1_000) },
      { job: email.jobClass, payload: { id: 3 }, dueTime: start + 3_000 },
    ]);
    expect(handles.map((handle) => [handle.jobName, handle.dueTime.getTime() - start])).toEqual([
      ["emails.send", 2_000],
      ["reports.build", 1_000],
      ["emails.send", 3_000],
    ]);
    await clock.advance(3_000);
    expect(
      probe.calls.map((call) => [
        call.jobName,
        call.payload,
        call.context.dueTime.getTime() - start,
        call.context.correlationId,
      ]),
    ).toEqual([
      ["reports.build", { id: 2 }, 1_000, null],
      ["emails.send", { id: 1 }, 2_000, "a"],
      ["emails.send", { id: 3 }, 3_000, null],
    ]);
  });

  it("keys are honoured per item: one pending job per key, later items answer its handle", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync]);
    const existing = await scheduler.schedule(sync.jobClass, { id: 0 }, clock.now() + 5_000, {
      key: "tenant-1",
    });
    const handles = await scheduler.scheduleMany([
      {
        job: sync.jobClass,
        payload: { id: 1 },
        dueTime: clock.now() + 1_000,
        options: { key: "tenant-1" },
      },
      {
        job: sync.jobClass,
        payload: { id: 2 },
        dueTime: clock.now() + 1_000,
        options: { key: "tenant-2" },
      },
      {
        job: sync.jobClass,
        payload: { id: 3 },
        dueTime: clock.now() + 1_000,
        options: { key: "tenant-2" },
      },
      { job: sync.jobClass, payload: { id: 4 }, dueTime: clock.now() + 1_000 },
    ]);
    expect(handles.map((handle) => handle.deduplicated)).toEqual([true, false, true, undefined]);
    expect(handles[0]!.jobId).toBe(existing.jobId);
    expect(handles[2]!.jobId).toBe(handles[1]!.jobId);
    await clock.advance(5_000);
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 2 }, { id: 4 }, { id: 0 }]);
  });

  it("replace items of one key in one call end as if enqueued one after another: the last replace wins", async () => {
    const sync = testJob("tenant.sync");
    const { scheduler, probe, clock } = await startHarness([sync]);
    const item = (id: number, inMs: number, onDuplicate: "keep" | "replace") => ({
      job: sync.jobClass,
      payload: { id },
      dueTime: clock.now() + inMs,
      options: { key: "tenant-1", onDuplicate },
    });
    const handles = await scheduler.scheduleMany([
      item(1, 1_000, "keep"),
      item(2, 3_000, "replace"),
      item(3, 2_000, "replace"),
      item(4, 5_000, "keep"),
    ]);
    expect(handles.map((handle) => [handle.jobId, handle.deduplicated])).toEqual([
      [handles[0]!.jobId, false],
      [handles[0]!.jobId, true],
      [handles[0]!.jobId, true],
      [handles[0]!.jobId, true],
    ]);
    expect(handles.every((handle) => handle.dueTime.getTime() === clock.now() + 2_000)).toBe(true);
    const kept = await scheduler.enqueueMany(sync.jobClass, [{ id: 5 }], { key: "tenant-1" });
    expect(kept[0]).toMatchObject({ jobId: handles[0]!.jobId, deduplicated: true });
    await clock.advance(5_000);
    expect(probe.calls.map((call) => [call.payload, call.context.dueTime.getTime()])).toEqual([
      [{ id: 3 }, clock.now() - 3_000],
    ]);
  });

  it("an empty call inserts nothing; a non-array or items joining different transactions are refused with ELR207", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    expect(await scheduler.enqueueMany(email.jobClass, [])).toEqual([]);
    expect(await scheduler.scheduleMany([])).toEqual([]);
    await expect(
      scheduler.enqueueMany(email.jobClass, { id: 1 } as unknown as { id: number }[]),
    ).rejects.toMatchObject({
      code: "ELR207",
      message: "enqueueMany: expected an array, got object.",
    });
    await expect(
      scheduler.scheduleMany([
        { job: email.jobClass, payload: { id: 1 }, dueTime: 0, options: { client: {} } },
        { job: email.jobClass, payload: { id: 2 }, dueTime: 0 },
      ]),
    ).rejects.toMatchObject({
      code: "ELR207",
      message: expect.stringMatching(
        /^scheduleMany: item 1: its options.client differs from item 0's/,
      ),
    });
  });
});
