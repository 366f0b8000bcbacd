import { afterEach, describe, expect, it } from "vitest";
import {
  decodePayloadDate,
  encodePayloadDate,
  isPayloadDate,
  resiliencePolicy,
  type PayloadCodec,
} from "../../src/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

// A payload with a Date, with the validator and codec the generator prints for
// `{ id: number; at: Date }` (see packages/generator/test/fixtures/payload-dates): the store keeps
// the ISO string and execute receives a Date, on every store (re-run on PostgreSQL by
// test/stores/postgres/scheduler-scenarios.test.ts).

afterEach(stopAllHarnesses);

interface Reminder {
  readonly id: number;
  readonly at: Date;
}

function validateReminder(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "payload: expected object";
  const fields = value as Record<string, unknown>;
  if (typeof fields["id"] !== "number") return "payload.id: expected number";
  if (!isPayloadDate(fields["at"])) return "payload.at: expected Date";
  return null;
}

function datesOfReminder(value: unknown, encode: boolean): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const fields = value as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...fields };
  if (fields["at"] !== undefined)
    copy["at"] = encode ? encodePayloadDate(fields["at"]) : decodePayloadDate(fields["at"]);
  return copy;
}

const reminderCodec: PayloadCodec = {
  encode: (payload) => datesOfReminder(payload, true),
  decode: (stored) => {
    const problem = validateReminder(stored);
    if (problem !== null) throw new TypeError(problem);
    return datesOfReminder(stored, false);
  },
};

const reminderJob = () =>
  testJob("reminders.send", { validatePayload: validateReminder, payloadCodec: reminderCodec });
const dueAt = new Date("2026-03-01T09:30:00.250Z");

describe("a Date in a runtime job's payload", () => {
  it("arrives in execute as a Date with the same instant, not the caller's object", async () => {
    const reminders = reminderJob();
    const { scheduler, probe, clock } = await startHarness([reminders]);
    const original = new Date(dueAt);

    const handle = await scheduler.schedule(
      reminders.jobClass,
      { id: 1, at: original } as never,
      clock.now() + 1_000,
    );
    original.setTime(0); // the stored form was taken at schedule: a later change does not reach the job
    await clock.advance(1_000);

    expect(probe.calls).toHaveLength(1);
    const received = probe.calls[0]!.payload as Reminder;
    expect(received.at).toBeInstanceOf(Date);
    expect(received.at.getTime()).toBe(dueAt.getTime());
    expect(received.at).not.toBe(original);
    expect(received.id).toBe(1);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("succeeded");
  });

  it("is read afresh for each deferred attempt", async () => {
    const reminders = reminderJob();
    const retry = resiliencePolicy("retry", { maxRetryAttempts: 1, delay: "1s" });
    const { scheduler, probe, clock } = await startHarness([reminders], { policies: [retry] });
    let attempts = 0;
    probe.on("reminders.send", (payload) => {
      (payload as { at: Date }).at.setTime(0); // a job that mutates its Date does not change the next attempt's
      if (++attempts === 1) throw new Error("first attempt fails");
    });

    const handle = await scheduler.enqueue(reminders.jobClass, { id: 2, at: dueAt } as never, {
      resilience: "retry",
      resilienceMode: "deferred-retry",
    });
    await clock.advance(0);
    await clock.advance(1_000);

    expect(probe.calls).toHaveLength(2);
    const [first, second] = probe.calls.map((call) => (call.payload as Reminder).at);
    expect(second).toBeInstanceOf(Date);
    expect(second).not.toBe(first);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(dueAt.getTime()).toBe(Date.parse("2026-03-01T09:30:00.250Z"));
  });

  it("rejects an invalid Date at schedule with the failing path", async () => {
    const reminders = reminderJob();
    const { scheduler } = await startHarness([reminders]);
    await expect(
      scheduler.enqueue(reminders.jobClass, { id: 3, at: new Date("not a date") } as never),
    ).rejects.toThrow('Invalid payload for job "reminders.send": payload.at: expected Date.');
  });

  it("a stored payload this build cannot read fails its run with a message naming the path; other runs go on", async () => {
    // A row another deployment wrote: this build's validator and codec disagree with it. The
    // lenient validator lets it into the store, as an older build's would have.
    const reminders = testJob("reminders.send", {
      validatePayload: null,
      payloadCodec: reminderCodec,
    });
    const other = testJob("emails.send");
    const { scheduler, probe, clock, logger } = await startHarness([reminders, other]);

    const unreadable = await scheduler.enqueue(reminders.jobClass, {
      id: 4,
      at: "next tuesday",
    } as never);
    const fine = await scheduler.enqueue(other.jobClass, { id: 5 });
    await clock.advance(0);

    const failed = await scheduler.getJob(unreadable.jobId);
    expect(failed?.status).toBe("failed");
    expect(failed?.lastError).toBe(
      `The stored payload of job "reminders.send" (job ${unreadable.jobId}) cannot be read: payload.at: expected Date. ` +
        "It was probably written by another deployment; re-enqueue it with a valid payload.",
    );
    expect(probe.callsOf("reminders.send")).toEqual([]);
    expect((await scheduler.getJob(fine.jobId))?.status).toBe("succeeded");
    expect(
      logger.entries.filter((entry) => entry.level === "error").map((entry) => entry.message),
    ).toEqual([expect.stringContaining("cannot be read: payload.at: expected Date")]);
  });

  it("a schedule defined at run time stores it, runs each slot with a Date, and lists it as the caller gave it", async () => {
    const reminders = reminderJob();
    const { scheduler, probe, clock } = await startHarness([reminders]);
    const info = await scheduler.upsertSchedule(
      "daily-reminder",
      "reminders.send",
      { id: 7, at: new Date(dueAt) },
      { fixedRate: "1m" },
    );
    expect(info.payload).toEqual({ id: 7, at: dueAt });
    // The same Date again is the same schedule: nothing changes.
    expect(
      await scheduler.upsertSchedule(
        "daily-reminder",
        "reminders.send",
        { id: 7, at: new Date(dueAt) },
        { fixedRate: "1m" },
      ),
    ).toEqual(info);
    await clock.advance(2 * 60_000);
    expect(probe.calls).toHaveLength(2);
    for (const call of probe.calls) {
      const { at } = call.payload as Reminder;
      expect(at).toBeInstanceOf(Date);
      expect(at.getTime()).toBe(dueAt.getTime());
    }
    expect((await scheduler.listSchedules())[0]!.payload).toEqual({ id: 7, at: dueAt });
  });
});
