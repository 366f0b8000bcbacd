import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, resiliencePolicy } from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { Probe } from "../support/probe.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob, testRegistry } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("bad input to schedule/enqueue", () => {
  it("an invalid or NaN dueTime names the job and says what to pass", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    await expect(scheduler.schedule(email.jobClass, { id: 1 }, new Date("nope"))).rejects.toThrow(
      /Invalid dueTime for job "emails.send": Invalid Date/,
    );
    await expect(scheduler.schedule(email.jobClass, { id: 1 }, Number.NaN)).rejects.toThrow(
      /Invalid dueTime for job "emails.send": NaN/,
    );
    await expect(
      scheduler.schedule(email.jobClass, { id: 1 }, "tomorrow" as unknown as number),
    ).rejects.toThrow(/Pass a valid Date or finite epoch/);
  });

  it("a due time that is a count of seconds (Date.now() / 1000) logs one warning naming the unit mistake, once per scheduler", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock, logger, probe } = await startHarness([email]);
    const inOneMinuteInSeconds = Math.floor(clock.now() / 1000) + 60;
    await scheduler.schedule(email.jobClass, { id: 1 }, inOneMinuteInSeconds);
    await scheduler.schedule(email.jobClass, { id: 2 }, new Date(inOneMinuteInSeconds + 1));
    await scheduler.schedule(email.jobClass, { id: 3 }, clock.now() + 60_000);
    const warnings = logger.entries
      .filter((entry) => entry.level === "warn")
      .map((entry) => entry.message);
    expect(warnings).toEqual([
      `schedule(): the dueTime of job "emails.send" is ${inOneMinuteInSeconds} ms after the epoch (${new Date(inOneMinuteInSeconds).toISOString()}), ` +
        `which looks like a count of seconds (Date.now() / 1000) rather than milliseconds: the run is due at once. Pass epoch milliseconds ` +
        `(Date.now() + 60_000) or a Date. This warning is logged once per scheduler.`,
    ]);
    // The call is still accepted: a past due time runs at once, as documented.
    await probe.whenCalls(2);
    expect(probe.calls.map((call) => call.payload)).toEqual(
      expect.arrayContaining([{ id: 1 }, { id: 2 }]),
    );
  });

  it("an early due time that is no plausible count of seconds (epoch 0, a minute ago) logs nothing", async () => {
    const email = testJob("emails.send");
    const { scheduler, clock, logger } = await startHarness([email]);
    await scheduler.schedule(email.jobClass, { id: 1 }, 0);
    await scheduler.schedule(email.jobClass, { id: 2 }, clock.now() - 60_000);
    await scheduler.schedule(email.jobClass, { id: 3 }, new Date(1_000));
    expect(logger.entries.filter((entry) => entry.level === "warn")).toEqual([]);
  });

  it("a class that is not in the registry is rejected with the registered names", async () => {
    const email = testJob("emails.send");
    const stranger = testJob("strangers.job");
    const { scheduler } = await startHarness([email]);
    await expect(scheduler.enqueue(stranger.jobClass as never, { id: 1 } as never)).rejects.toThrow(
      /StrangersJobJob is not a job of this scheduler's registry.*Registered jobs: "emails.send"/,
    );
    await expect(scheduler.enqueue("nope" as never, { id: 1 } as never)).rejects.toThrow(
      /Unknown job "nope"/,
    );
  });

  it("a payload failing the generated validator names the field path", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe } = await startHarness([email]);
    await expect(scheduler.enqueue(email.jobClass, { id: "x" } as never)).rejects.toThrow(
      'Invalid payload for job "emails.send": payload.id: expected number.',
    );
    expect(probe.calls).toHaveLength(0);
  });

  it("a job that is not runtime-schedulable (a recurring method job) cannot be enqueued", async () => {
    const nightly = testJob("nightly", {
      supportsRuntimeScheduling: false,
      target: { kind: "method", className: "Billing", methodName: "close", isStatic: true },
    });
    const { scheduler } = await startHarness([nightly]);
    await expect(scheduler.enqueue("nightly", { id: 1 })).rejects.toThrow(
      /cannot be scheduled at run time/,
    );
  });

  it("bad options: unknown resilienceMode, unknown policy, deferred mode without a policy", async () => {
    const email = testJob("emails.send");
    const { scheduler } = await startHarness([email]);
    await expect(
      scheduler.enqueue(email.jobClass, { id: 1 }, { resilienceMode: "later" as never }),
    ).rejects.toThrow(/Invalid resilienceMode/);
    await expect(
      scheduler.enqueue(email.jobClass, { id: 1 }, { resilience: "ghost" }),
    ).rejects.toThrow(/Unknown resilience policy "ghost"/);
    await expect(
      scheduler.enqueue(email.jobClass, { id: 1 }, { resilienceMode: "deferred-retry" }),
    ).rejects.toThrow(/needs a resilience policy/);
  });

  it("calls before start() throw and say to start first", async () => {
    const email = testJob("emails.send");
    const scheduler = createScheduler({
      registry: testRegistry([email]),
      services: { Probe: new Probe() },
      clock: new ManualClock(),
    });
    await expect(scheduler.enqueue(email.jobClass, { id: 1 })).rejects.toThrow(
      "scheduler.enqueue(): the scheduler is not started; await scheduler.start() first.",
    );
    await expect(scheduler.cancelRun("x")).rejects.toThrow(/not started/);
  });
});

describe("bad input to createScheduler", () => {
  const email = testJob("emails.send");

  it("negative or fractional numeric options name the option", () => {
    const base = { registry: testRegistry([email]), services: { Probe: new Probe() } };
    expect(() => createScheduler({ ...base, maxConcurrentExecutions: 0 })).toThrow(
      /maxConcurrentExecutions must be a whole number from 1 to 2147483647, got 0/,
    );
    expect(() => createScheduler({ ...base, maxRetainedCompletedJobs: -1 })).toThrow(
      /maxRetainedCompletedJobs/,
    );
    expect(() => createScheduler({ ...base, maxMisfireCatchUpRuns: 1.5 })).toThrow(
      /maxMisfireCatchUpRuns/,
    );
  });

  it("a missing service is named with the job that needs it", () => {
    expect(() =>
      createScheduler({ registry: testRegistry([email]), services: {} as never }),
    ).toThrow(/services.Probe is missing; job "emails.send" \(test\/jobs.ts\) needs it/);
  });

  it("registries that repeat a job name or a policy name throw at creation", () => {
    const again = testJob("emails.send");
    expect(() =>
      createScheduler({
        registry: [testRegistry([email]), testRegistry([again])],
        services: { Probe: new Probe() },
      }),
    ).toThrow(/Duplicate job name "emails.send"/);
    const p1 = resiliencePolicy("retry", {});
    const p2 = resiliencePolicy("retry", { maxRetryAttempts: 1 });
    expect(() =>
      createScheduler({
        registry: [testRegistry([email], [p1]), testRegistry([testJob("other")], [p2])],
        services: { Probe: new Probe() },
      }),
    ).toThrow(/Duplicate resilience policy "retry"/);
  });

  it("a job referring to an unregistered policy, or with an invalid schedule, throws at creation", () => {
    expect(() =>
      createScheduler({
        registry: testRegistry([testJob("j", { resilience: "ghost" })]),
        services: { Probe: new Probe() },
      }),
    ).toThrow(/Unknown resilience policy "ghost" \(job "j" in test\/jobs.ts\)/);
    expect(() =>
      createScheduler({
        registry: testRegistry([
          testJob("c", { schedule: { kind: "cron", expression: "61 * * * *", timeZone: "UTC" } }),
        ]),
        services: { Probe: new Probe() },
      }),
    ).toThrow(/Invalid schedule of job "c"/);
  });

  it("something that is not a generated registry is rejected", () => {
    expect(() => createScheduler({ registry: {} as never, services: {} })).toThrow(
      /is not a generated Elarion registry/,
    );
  });
});

describe("enqueue-only scheduler (descriptor sets)", () => {
  it("schedules by name without services and never runs jobs", async () => {
    const email = testJob("emails.send");
    const descriptors = defineJobDescriptors<{ "emails.send": { id: number } }>(
      [email.definition.descriptor],
      [],
    );
    const clock = new ManualClock();
    const scheduler = createScheduler({ registry: descriptors, clock });
    await scheduler.start();
    const handle = await scheduler.enqueue("emails.send", { id: 1 });
    await clock.advance(10_000);
    expect((await scheduler.getJob(handle.jobId))?.status).toBe("queued");
    await expect(scheduler.enqueue("emails.send", { id: "x" } as never)).rejects.toThrow(
      /payload.id: expected number/,
    );
    await scheduler.stop();
  });

  it("an empty services object is accepted too: the jobs it knows only by descriptor need nothing here", async () => {
    const email = testJob("emails.send");
    const descriptors = defineJobDescriptors<{ "emails.send": { id: number } }>(
      [email.definition.descriptor],
      [],
    );
    const scheduler = createScheduler({
      registry: descriptors,
      services: {},
      clock: new ManualClock(),
    });
    await scheduler.start();
    expect((await scheduler.enqueue("emails.send", { id: 1 })).jobName).toBe("emails.send");
    await scheduler.stop();
  });
});

describe("options that would misbehave at run time", () => {
  const email = testJob("emails.send");

  it("createScheduler: counts above what a Map or PostgreSQL integer can use, Infinity and NaN name the option and its range", () => {
    const base = { registry: testRegistry([email]), services: { Probe: new Probe() } };
    for (const value of [Number.NaN, Infinity, 2 ** 53, "4"]) {
      expect(
        () => createScheduler({ ...base, maxConcurrentExecutions: value as number }),
        String(value),
      ).toThrow(
        expect.objectContaining({
          code: "ELR102",
          message: expect.stringMatching(
            /maxConcurrentExecutions must be a whole number from 1 to 2147483647/,
          ),
        }),
      );
      expect(
        () => createScheduler({ ...base, maxRetainedCompletedJobs: value as number }),
        String(value),
      ).toThrow(/maxRetainedCompletedJobs must be a whole number from 0 to 2147483647/);
      expect(
        () => createScheduler({ ...base, maxMisfireCatchUpRuns: value as number }),
        String(value),
      ).toThrow(/maxMisfireCatchUpRuns must be a whole number from 0 to 2147483647/);
    }
  });

  it("schedule/enqueue: an inline resilience policy with NaN, negative or fractional numbers, or an unknown backoff, is refused naming the field (ELR205); nothing is enqueued", async () => {
    const { scheduler } = await startHarness([email]);
    const valid = resiliencePolicy("inline", { maxRetryAttempts: 1, delay: "1s", timeout: "5s" });
    const broken: [string, Record<string, unknown>][] = [
      ["timeoutMs", { timeoutMs: Number.NaN }],
      ["timeoutMs", { timeoutMs: -1 }],
      ["timeoutMs", { timeoutMs: 0 }],
      ["maxDelayMs", { maxDelayMs: Number.NaN }],
      ["delayMs", { delayMs: Infinity }],
      ["maxRetryAttempts", { maxRetryAttempts: 1.5 }],
      ["maxRetryAttempts", { maxRetryAttempts: 2 ** 31 }],
      ["backoff", { backoff: "sometimes" }],
      ["jitter", { jitter: "yes" }],
    ];
    for (const [field, change] of broken) {
      await expect(
        scheduler.enqueue(
          email.jobClass,
          { id: 1 },
          { resilience: { ...valid, ...change } as typeof valid },
        ),
        field,
      ).rejects.toMatchObject({
        code: "ELR205",
        message: expect.stringContaining(field),
      });
    }
    expect(await scheduler.countJobs()).toMatchObject({ queued: 0, running: 0, succeeded: 0 });
  });

  it("stop: a timeoutMs that is not a whole number of milliseconds up to Node's timer limit is refused, and the scheduler keeps running", async () => {
    const { scheduler } = await startHarness([email]);
    for (const timeoutMs of [Number.NaN, -1, 1e12, 1.5]) {
      await expect(scheduler.stop({ timeoutMs }), String(timeoutMs)).rejects.toMatchObject({
        code: "ELR003",
        message: expect.stringMatching(
          /stop: timeoutMs must be a whole number of milliseconds from 0 to 2147483647/,
        ),
      });
    }
    await expect(scheduler.stop({ drain: "yes" as unknown as boolean })).rejects.toMatchObject({
      code: "ELR003",
    });
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    expect(handle.jobName).toBe("emails.send");
  });
});
