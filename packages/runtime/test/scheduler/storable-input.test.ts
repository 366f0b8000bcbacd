/**
 * What one store could not keep, no store accepts: every schedule/enqueue call is checked for what
 * PostgreSQL would refuse before it is batched with others, so one bad call fails alone and the
 * memory store rejects exactly the same inputs (issue 9, defects 3 and 4).
 */
import { afterEach, describe, expect, it } from "vitest";
import { MAX_DUE_TIME_MS, MIN_DUE_TIME_MS } from "../../src/index.js";
import { startHarness, stopAllHarnesses, type Harness } from "../support/harness.js";
import { testJob, type TestJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

function circular(): object {
  const payload: Record<string, unknown> = { id: 1 };
  payload["self"] = payload;
  return payload;
}

/** Each bad call: what it does, how it is made, and the error it must get. */
const badCalls: readonly {
  what: string;
  call: (harness: Harness, job: TestJob) => Promise<unknown>;
  error: RegExp;
  code: string;
}[] = [
  {
    what: "a circular payload",
    call: ({ scheduler }, job) => scheduler.enqueue(job.jobClass, circular() as { id: number }),
    error: /payload.self refers back to payload/,
    code: "ELR208",
  },
  {
    what: "a BigInt in the payload",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1, big: 10n } as { id: number }),
    error: /payload.big is a BigInt/,
    code: "ELR208",
  },
  {
    what: "a NUL in a payload string",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1, tags: ["ok", "a\u0000b"] } as { id: number }),
    error: /payload.tags\[1\] contains a NUL character/,
    code: "ELR208",
  },
  {
    what: "a NUL in a payload key",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1, "k\u0000": 1 } as { id: number }),
    error: /a key of payload contains a NUL character/,
    code: "ELR208",
  },
  {
    what: "a lone surrogate in a payload string",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1, text: "x\uD800y" } as { id: number }),
    error: /payload.text contains a lone surrogate/,
    code: "ELR208",
  },
  {
    what: "a throwing toJSON in the payload",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, {
        id: 1,
        value: {
          toJSON: () => {
            throw new Error("no JSON");
          },
        },
      } as { id: number }),
    error: /payload.value cannot be turned into JSON: no JSON/,
    code: "ELR208",
  },
  {
    what: "a NUL in correlationId",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1 }, { correlationId: "order\u000042" }),
    error: /correlationId .*contains a NUL character/,
    code: "ELR204",
  },
  {
    what: "a lone surrogate in correlationId",
    call: ({ scheduler }, job) =>
      scheduler.enqueue(job.jobClass, { id: 1 }, { correlationId: "\uDC00" }),
    error: /correlationId .*contains a lone surrogate/,
    code: "ELR204",
  },
  {
    what: "a NUL in key",
    call: ({ scheduler }, job) => scheduler.enqueue(job.jobClass, { id: 1 }, { key: "k\u0000" }),
    error: /key .*contains a NUL character/,
    code: "ELR204",
  },
  {
    what: "a due time past the last representable instant",
    call: ({ scheduler }, job) => scheduler.schedule(job.jobClass, { id: 1 }, 1e20),
    error: /out of range/,
    code: "ELR203",
  },
  {
    what: "a due time before the first representable instant",
    call: ({ scheduler }, job) => scheduler.schedule(job.jobClass, { id: 1 }, -8.64e15),
    error: /out of range/,
    code: "ELR203",
  },
];

describe("each schedule/enqueue call succeeds or fails on its own", () => {
  for (const bad of badCalls) {
    it(`100 valid enqueues and ${bad.what} in one tick: the 100 are enqueued and run, the bad one is rejected (${bad.code})`, async () => {
      const email = testJob("emails.send");
      const harness = await startHarness([email]);
      const { scheduler, clock, probe } = harness;
      const calls: Promise<unknown>[] = [];
      for (let id = 0; id < 50; id++) calls.push(scheduler.enqueue(email.jobClass, { id }));
      calls.push(bad.call(harness, email));
      for (let id = 50; id < 100; id++) calls.push(scheduler.enqueue(email.jobClass, { id }));
      const results = await Promise.allSettled(calls);

      const rejected = results.filter((result) => result.status === "rejected");
      expect(rejected).toHaveLength(1);
      const error = (rejected[0] as PromiseRejectedResult).reason as Error & { code?: string };
      expect(error.message).toMatch(bad.error);
      expect(error.code).toBe(bad.code);
      expect(results[50]!.status).toBe("rejected");

      await clock.advance(0);
      await scheduler.whenIdle();
      // Every job accounted for: the 100 valid ones ran once and succeeded; nothing else exists.
      expect(
        probe.calls.map((call) => (call.payload as { id: number }).id).sort((a, b) => a - b),
      ).toEqual([...Array(100).keys()]);
      expect(await scheduler.countJobs()).toMatchObject({
        succeeded: 100,
        queued: 0,
        running: 0,
        failed: 0,
        cancelled: 0,
      });
    });
  }

  it("scheduleMany and enqueueMany name the bad item's index and insert nothing", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    await expect(
      scheduler.enqueueMany(email.jobClass, [
        { id: 1 },
        { id: 2, note: "\u0000" } as { id: number },
      ]),
    ).rejects.toThrow(/enqueueMany: item 1: .*NUL/);
    await expect(
      scheduler.scheduleMany([
        { job: email.jobClass, payload: { id: 1 }, dueTime: 0 },
        { job: email.jobClass, payload: { id: 2 }, dueTime: 1e20 },
      ]),
    ).rejects.toThrow(/scheduleMany: item 1: .*out of range/);
    expect(await scheduler.countJobs()).toMatchObject({ queued: 0, succeeded: 0 });
  });
});

describe("due times: exactly the range both stores can represent", () => {
  it("the first and last representable instants are accepted and kept exactly; one millisecond beyond is a RangeError (ELR203)", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    const last = await scheduler.schedule(email.jobClass, { id: 1 }, MAX_DUE_TIME_MS);
    expect(last.dueTime.getTime()).toBe(MAX_DUE_TIME_MS);
    expect((await scheduler.getJob(last.jobId))?.nextAttemptDueTime?.getTime()).toBe(
      MAX_DUE_TIME_MS,
    );
    const first = await scheduler.schedule(email.jobClass, { id: 2 }, new Date(MIN_DUE_TIME_MS));
    expect(first.dueTime.getTime()).toBe(MIN_DUE_TIME_MS);
    expect(await scheduler.cancelJob(first.jobId)).toBe(true); // due long ago: it may have started; cancel it either way
    for (const dueTime of [
      MAX_DUE_TIME_MS + 1,
      MIN_DUE_TIME_MS - 1,
      1e20,
      Number.MAX_VALUE,
      -8.64e15,
      -Number.MAX_VALUE,
    ]) {
      const rejection = scheduler.schedule(email.jobClass, { id: 3 }, dueTime);
      await expect(rejection, String(dueTime)).rejects.toBeInstanceOf(RangeError);
      await expect(rejection, String(dueTime)).rejects.toMatchObject({
        code: "ELR203",
        message: expect.stringMatching(/out of range.*-210866803200000.*8640000000000000/),
      });
    }
    await expect(scheduler.retryJob(first.jobId, { dueTime: 1e20 })).rejects.toMatchObject({
      code: "ELR203",
    });
    expect(await scheduler.cancelJob(last.jobId)).toBe(true);
    // Every job accounted for.
    expect(await scheduler.countJobs()).toMatchObject({ cancelled: 2, queued: 0, running: 0 });
  });
});

describe("schedules defined at run time", () => {
  it("upsertSchedule refuses a payload no store can keep (ELR208) and creates nothing", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    await expect(
      scheduler.upsertSchedule(
        "nightly",
        email.jobClass,
        { id: 1, note: "\uDFFF" } as { id: number },
        { cron: "0 3 * * *" },
      ),
    ).rejects.toMatchObject({
      code: "ELR208",
      message: expect.stringMatching(/payload.note contains a lone surrogate/),
    });
    expect(await scheduler.listSchedules()).toEqual([]);
  });
});
