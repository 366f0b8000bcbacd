import {
  createScheduler,
  defineJobRegistry,
  type IScheduledJob,
  type JobClass,
  type JobDefinition,
  type JobDescriptor,
  type JobScheduler,
  type JobStore,
  type ScheduledJobContext,
} from "@elarion/runtime";
import { ManualClock } from "@elarion/runtime/testing";

/** Payload of `emails.send`: `failWith` makes its first attempt throw that message. */
export interface EmailPayload {
  to: string;
  subject?: string;
  failWith?: string;
}

/** What the test jobs did, and which emails fail on their next attempt. */
export class Mailbox {
  readonly sent: string[] = [];
  /** `to` addresses whose next attempt throws (taken off on the throw, so a retry succeeds). */
  readonly failNext = new Set<string>();
  reportsBuilt = 0;
}

class SendEmailJob implements IScheduledJob<EmailPayload> {
  constructor(private readonly mailbox: Mailbox) {}
  execute(payload: EmailPayload): void {
    if (payload.failWith !== undefined && this.mailbox.failNext.delete(payload.to))
      throw new Error(payload.failWith);
    this.mailbox.sent.push(payload.to);
  }
}

/** Runs until cancelled: keeps a run active. */
class BuildExportJob implements IScheduledJob<{ dataset: string }> {
  execute(_payload: { dataset: string }, context: ScheduledJobContext): Promise<void> {
    return new Promise((_resolve, reject) =>
      context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true }),
    );
  }
}

function descriptor(name: string, overrides: Partial<JobDescriptor>): JobDescriptor {
  return {
    name,
    target: { kind: "class", className: name },
    supportsRuntimeScheduling: true,
    schedule: null,
    overlap: "skip",
    overlapExplicit: false,
    maxConcurrentRuns: 0,
    group: null,
    misfire: "fire-once",
    resilience: null,
    enabled: true,
    placement: "cluster",
    dependencies: ["Mailbox"],
    sourceFile: "test/support/test-scheduler.ts",
    validatePayload: null,
    ...overrides,
  };
}

const definitions: JobDefinition[] = [
  {
    descriptor: descriptor("emails.send", {}),
    jobClass: SendEmailJob,
    invoke: (services, payload) =>
      new SendEmailJob(services["Mailbox"] as Mailbox).execute(payload as EmailPayload),
  },
  {
    descriptor: descriptor("exports.build", { dependencies: [] }),
    jobClass: BuildExportJob,
    invoke: (_services, payload, context) =>
      new BuildExportJob().execute(payload as { dataset: string }, context),
  },
  {
    descriptor: descriptor("reports.build", {
      target: { kind: "method", className: "Reports", methodName: "build", isStatic: true },
      supportsRuntimeScheduling: false,
      schedule: { kind: "fixed-rate", intervalMs: 60_000, initialDelayMs: null, runOnStart: false },
    }),
    jobClass: null,
    invoke: (services) => {
      (services["Mailbox"] as Mailbox).reportsBuilt++;
    },
  },
];

export const JobClasses = { SendEmailJob, BuildExportJob } as const;

export interface TestScheduler {
  readonly scheduler: JobScheduler;
  readonly clock: ManualClock;
  readonly mailbox: Mailbox;
}

const started = new Set<JobScheduler>();

/**
 * A real scheduler (memory store unless given one, ManualClock at 2026-01-01T00:00:00Z) with three jobs:
 * `emails.send` (runtime; fails once when asked to), `exports.build` (runtime; runs until cancelled)
 * and `reports.build` (recurring, fixed rate of one minute).
 */
export async function startTestScheduler(
  options: { store?: JobStore } = {},
): Promise<TestScheduler> {
  const clock = new ManualClock(new Date("2026-01-01T00:00:00Z"));
  const mailbox = new Mailbox();
  const scheduler = createScheduler({
    registry: defineJobRegistry<{ Mailbox: Mailbox }, JobClass, Record<string, unknown>>(
      definitions,
      [],
    ),
    services: { Mailbox: mailbox },
    clock,
    logger: { warn: () => undefined, error: () => undefined },
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  await scheduler.start();
  started.add(scheduler);
  return { scheduler, clock, mailbox };
}

/** Stops every scheduler {@link startTestScheduler} started (afterEach). */
export async function stopTestSchedulers(): Promise<void> {
  await Promise.all([...started].map((scheduler) => scheduler.stop({ timeoutMs: 1000 })));
  started.clear();
}
