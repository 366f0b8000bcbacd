import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  defineJobRegistry,
  type IScheduledJob,
  type JobDefinition,
  type JobRunHandle,
  type ScheduledJobContext,
} from "../../src/index.js";
import { descriptor } from "../support/test-registry.js";

// Hand-written exactly as the generator prints a registry: typed services, the union of job
// classes, and job name → payload.
interface SendEmailPayload {
  to: string;
  subject: string;
}
class EmailSender {
  readonly sent: string[] = [];
}
class ImageStore {
  readonly kind = "images";
}
class SendEmailJob implements IScheduledJob<SendEmailPayload> {
  constructor(private readonly sender: EmailSender) {}
  execute(payload: SendEmailPayload, _context: ScheduledJobContext): void {
    this.sender.sent.push(payload.to);
  }
}
class ResizeImageJob implements IScheduledJob<{ width: number }> {
  constructor(private readonly images: ImageStore) {}
  execute(payload: { width: number }): void {
    void this.images;
    void payload;
  }
}
class UnregisteredJob implements IScheduledJob<{ other: boolean }> {
  execute(): void {}
}
type JobServices = { EmailSender: EmailSender; ImageStore: ImageStore };
type JobClasses = typeof SendEmailJob | typeof ResizeImageJob;
type JobPayloads = { "emails.send": SendEmailPayload; "images.resize": { width: number } };
const jobs: readonly JobDefinition[] = [
  {
    descriptor: descriptor("emails.send", { dependencies: ["EmailSender"], validatePayload: null }),
    jobClass: SendEmailJob,
    invoke: (services, payload, context) => new SendEmailJob(services["EmailSender"] as EmailSender).execute(payload as SendEmailPayload, context),
  },
  {
    descriptor: descriptor("images.resize", { dependencies: ["ImageStore"], validatePayload: null }),
    jobClass: ResizeImageJob,
    invoke: (services, payload) => new ResizeImageJob(services["ImageStore"] as ImageStore).execute(payload as { width: number }),
  },
];
const jobRegistry = defineJobRegistry<JobServices, JobClasses, JobPayloads>(jobs, []);

describe("typing (checked by tsc over the test folder)", () => {
  it("infers payloads from IScheduledJob<TPayload>, rejects wrong payloads, unknown classes and missing services", async () => {
    const scheduler = createScheduler({ registry: jobRegistry, services: { EmailSender: new EmailSender(), ImageStore: new ImageStore() } });

    // A missing service is a type error.
    // @ts-expect-error ImageStore is missing
    expect(() => createScheduler({ registry: jobRegistry, services: { EmailSender: new EmailSender() } })).toThrow(/services.ImageStore is missing/);
    // A resolver is accepted instead of the typed object.
    createScheduler({ registry: jobRegistry, services: (key: string) => ({ EmailSender: new EmailSender(), ImageStore: new ImageStore() })[key] });

    await scheduler.start();
    try {
      const handle = scheduler.enqueue(SendEmailJob, { to: "a@b.c", subject: "hi" });
      expectTypeOf(handle).toEqualTypeOf<Promise<JobRunHandle>>();
      expect((await handle).jobName).toBe("emails.send");
      // @ts-expect-error wrong payload shape for SendEmailJob
      await expect(scheduler.enqueue(SendEmailJob, { to: 42 })).resolves.toBeDefined();
      // @ts-expect-error UnregisteredJob is not one of the registry's classes
      await expect(scheduler.enqueue(UnregisteredJob, { other: true })).rejects.toThrow(/not a job of this scheduler's registry/);
      // By name, typed through the payload map.
      await scheduler.schedule("images.resize", { width: 100 }, Date.now() + 60_000);
      // @ts-expect-error wrong payload for the name
      await scheduler.schedule("images.resize", { width: "wide" }, Date.now() + 60_000);
      // @ts-expect-error unknown job name
      await expect(scheduler.enqueue("images.crop", {})).rejects.toThrow(/Unknown job "images.crop"/);
    } finally {
      await scheduler.stop();
    }
  });

  it("checks enqueueMany's payloads, scheduleMany's items one by one, and policy names in their options", async () => {
    const policies = defineJobRegistry<JobServices, JobClasses, JobPayloads, "email-retry">(jobs, []);
    const scheduler = createScheduler({ registry: policies, services: { EmailSender: new EmailSender(), ImageStore: new ImageStore() } });
    await scheduler.start();
    try {
      const handles = await scheduler.enqueueMany(SendEmailJob, [{ to: "a@b.c", subject: "one" }]);
      expect(handles).toHaveLength(1);
      expect((await scheduler.enqueueMany("images.resize", [{ width: 1 }, { width: 2 }])).map((handle) => handle.jobName)).toEqual([
        "images.resize",
        "images.resize",
      ]);
      // @ts-expect-error the second payload is not a SendEmailPayload
      await expect(scheduler.enqueueMany(SendEmailJob, [{ to: "a@b.c", subject: "ok" }, { to: 7 }])).resolves.toHaveLength(2);
      // @ts-expect-error wrong payload for the name
      await expect(scheduler.enqueueMany("images.resize", [{ width: "wide" }])).resolves.toHaveLength(1);
      // @ts-expect-error "email-retyr" is not one of the registry's policy names
      await expect(scheduler.enqueueMany(SendEmailJob, [], { resilience: "email-retyr" })).resolves.toEqual([]);
      const due = Date.now() + 60_000;
      await scheduler.scheduleMany([
        { job: SendEmailJob, payload: { to: "a@b.c", subject: "hi" }, dueTime: due },
        { job: "images.resize", payload: { width: 3 }, dueTime: due },
      ]);
      await expect(
        scheduler.scheduleMany([
          { job: SendEmailJob, payload: { to: "a@b.c", subject: "hi" }, dueTime: due },
          // @ts-expect-error an images.resize payload given to SendEmailJob (this registry validates nothing at run time)
          { job: SendEmailJob, payload: { width: 3 }, dueTime: due },
        ]),
      ).resolves.toHaveLength(2);
      await expect(
        // @ts-expect-error "email-retyr" is not one of the registry's policy names
        scheduler.scheduleMany([{ job: "images.resize", payload: { width: 3 }, dueTime: due, options: { resilience: "email-retyr" } }]),
      ).rejects.toThrow(/email-retyr/);
    } finally {
      await scheduler.stop();
    }
  });

  it("merged registries need the services of all of them; a descriptor set needs none", async () => {
    const other = defineJobRegistry<{ Clock: { now(): number } }, never, Record<never, never>>([], []);
    // @ts-expect-error Clock (needed by the second registry) is missing
    expect(() => createScheduler({ registry: [jobRegistry, other], services: { EmailSender: new EmailSender(), ImageStore: new ImageStore() } })).not.toThrow();
    const descriptors = defineJobDescriptors<JobPayloads>([jobs[0]!.descriptor, jobs[1]!.descriptor], []);
    const enqueueOnly = createScheduler({ registry: descriptors });
    await expect(enqueueOnly.enqueue("emails.send", { to: "a@b.c", subject: "hi" })).rejects.toThrow(/not started/);
    // @ts-expect-error wrong payload for the name, typed through the descriptor set's payload map
    await expect(enqueueOnly.enqueue("emails.send", { to: 1 })).rejects.toThrow(/not started/);
  });
});
