import { afterEach, describe, expect, it } from "vitest";
import {
  createScheduler,
  type ConfigurationVariables,
  type JobScheduler,
} from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { CapturingLogger } from "../support/harness.js";
import { RemindCustomerJob } from "./generated-app/src/jobs/remind-customer-job.js";
import { SendReceiptJob } from "./generated-app/src/jobs/send-receipt-job.js";
import {
  jobRegistry,
  type JobClasses,
  type JobPayloads,
  type JobPolicyNames,
} from "./generated-app/src/jobs.generated.js";
import { Outbox } from "./generated-app/src/outbox.js";

// The registry here was written by elarion-gen from ./generated-app (regenerate with
// `node packages/generator/bin/elarion-gen.js -p packages/runtime/test/scheduler/generated-app`).

let scheduler: JobScheduler<JobClasses, JobPayloads, JobPolicyNames> | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

/** ledger.archive's cron is a placeholder without a default: every scheduler here gives it one. */
const ARCHIVE_VARIABLES: ConfigurationVariables = {
  get: (key) => (key === "ARCHIVE_CRON" ? "0 1 * * *" : undefined),
};

async function start(at: string) {
  const clock = new ManualClock(new Date(at));
  const outbox = new Outbox();
  const logger = new CapturingLogger();
  scheduler = createScheduler({
    registry: jobRegistry,
    services: { Outbox: outbox },
    clock,
    logger,
    variables: ARCHIVE_VARIABLES,
  });
  await scheduler.start();
  return { scheduler, clock, outbox, logger };
}

describe("a registry printed by the generator", () => {
  it("runs a runtime job with its typed payload through the generated delegate", async () => {
    const { scheduler, clock, outbox } = await start("2026-06-01T00:00:00Z");
    const handle = await scheduler.schedule(
      SendReceiptJob,
      { orderId: "o-1", amount: 42 },
      clock.now() + 5_000,
    );
    await clock.advance(5_000);
    expect(outbox.sent).toEqual(["o-1:42"]);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "succeeded",
      jobName: "receipts.send",
    });
  });

  it("rejects a payload with the generated validator's field path", async () => {
    const { scheduler } = await start("2026-06-01T00:00:00Z");
    await expect(
      scheduler.enqueue("receipts.send", { orderId: "o-2", amount: "lots" } as never),
    ).rejects.toThrow('Invalid payload for job "receipts.send": payload.amount: expected number.');
  });

  it("retries with the generated named policy in deferred mode", async () => {
    const { scheduler, clock } = await start("2026-06-01T00:00:00Z");
    const handle = await scheduler.enqueue(
      SendReceiptJob,
      { orderId: "o-3", amount: -1 },
      { resilienceMode: "deferred-retry" },
    );
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
      maxAttempts: 3,
    });
    await clock.advance(1_000 + 2_000);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      attempt: 3,
      lastError: "negative amount on o-3 (attempt 3)",
    });
  });

  it("hands execute a Date where the payload type says Date, through the generated codec", async () => {
    const { scheduler, clock, outbox } = await start("2026-06-01T00:00:00Z");
    await scheduler.schedule(
      RemindCustomerJob,
      { orderId: "o-4", remindAt: new Date("2026-06-02T09:00:00Z") },
      clock.now() + 1_000,
    );
    await clock.advance(1_000);
    expect(outbox.sent).toEqual(["remind o-4: Date 2026-06-02T09:00:00.000Z"]);
  });

  it("types resilience by the generated policy names", async () => {
    const { scheduler } = await start("2026-06-01T00:00:00Z");
    await scheduler.enqueue(
      SendReceiptJob,
      { orderId: "o-5", amount: 1 },
      { resilience: "receipt-retry" },
    );
    // biome-ignore format: the @ts-expect-error below must stay on the line before its error
    // @ts-expect-error -- "receipt-retyr" is not a policy name of the generated registry
    await expect(scheduler.enqueue(SendReceiptJob, { orderId: "o-6", amount: 1 }, { resilience: "receipt-retyr" })).rejects.toThrow(/Unknown resilience policy "receipt-retyr"/);
  });

  it("resolves a generated placeholder against the scheduler's variables, with the literal time zone written beside it", async () => {
    await start("2026-06-01T00:00:00Z");
    const archive = (await scheduler!.snapshot()).jobs.find((job) => job.name === "ledger.archive");
    // 01:00 in Vienna (CEST), not 01:00 UTC: the generator kept timeZone in scheduleOptions.
    expect(archive?.nextDueTime).toEqual(new Date("2026-06-01T23:00:00Z"));
  });

  it("fires the generated cron schedule in its time zone", async () => {
    const { clock, outbox } = await start("2026-06-01T00:00:00Z");
    await clock.set(new Date("2026-06-03T00:00:00Z"));
    expect(outbox.sent).toEqual(["ledger closed", "ledger closed"]);
    const snapshot = await scheduler!.snapshot();
    expect(snapshot.jobs.find((job) => job.name === "ledger.close")?.nextDueTime).toEqual(
      new Date("2026-06-03T00:30:00Z"),
    );
  });
});
