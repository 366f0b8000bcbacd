/**
 * The operations API across processes: two schedulers on one schema, each with its own store and
 * pool, as two processes would have — one that only enqueues and steers (a web app, the
 * dashboard), one worker. The worker's poll is slow (a minute), so what reaches it at once does so
 * through NOTIFY.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  type JobScheduler,
  type OutcomeInfo,
  type ScheduleSpec,
} from "../../../src/index.js";
import { postgresStore, type PostgresJobStore } from "../../../src/stores/postgres/index.js";
import { CapturingLogger } from "../../support/harness.js";
import { Probe } from "../../support/probe.js";
import { deferred } from "../../support/deferred.js";
import { testJob, testRegistry } from "../../support/test-registry.js";
import { createTestSchema, waitForState, type TestSchema } from "./support/test-database.js";

const tickEvery100ms: ScheduleSpec = {
  kind: "fixed-rate",
  intervalMs: 100,
  initialDelayMs: null,
  runOnStart: true,
};
const jobs = [
  testJob("emails.send"),
  testJob("reports.build"),
  testJob("tick", { schedule: tickEvery100ms, supportsRuntimeScheduling: false }),
];

let db: TestSchema;
const running: JobScheduler[] = [];

beforeAll(async () => {
  db = await createTestSchema("ops_cluster");
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
  await db.pool.query(
    `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.occurrences, ${db.schema.quoted}.paused_jobs`,
  );
});
afterAll(async () => {
  await db?.drop();
});

/** The process that only enqueues and steers: descriptors only, its own pool. */
async function startSteering(): Promise<JobScheduler> {
  const scheduler = createScheduler({
    registry: defineJobDescriptors(
      jobs.map((job) => job.definition.descriptor),
      [],
    ),
    store: postgresStore({ pool: db.openPool(), schema: db.schema.name }),
    logger: new CapturingLogger(),
  });
  await scheduler.start();
  running.push(scheduler);
  return scheduler;
}

interface Worker {
  readonly scheduler: JobScheduler;
  readonly store: PostgresJobStore;
  readonly probe: Probe;
  readonly outcomes: OutcomeInfo[];
}

/** The worker process: runs every job, its own pool, a slow poll. */
async function startWorker(options: { maxConcurrentExecutions?: number } = {}): Promise<Worker> {
  const probe = new Probe();
  const outcomes: OutcomeInfo[] = [];
  const store = postgresStore({
    pool: db.openPool(),
    schema: db.schema.name,
    pollIntervalMs: 60_000,
  });
  const scheduler = createScheduler({
    registry: testRegistry(jobs),
    services: { Probe: probe },
    store,
    logger: new CapturingLogger(),
    onRunOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  });
  await scheduler.start();
  running.push(scheduler);
  return { scheduler, store, probe, outcomes };
}

const idsOf = (calls: { payload: unknown }[]) =>
  calls.map((call) => (call.payload as { id: number }).id);

describe("operations across processes on PostgreSQL", () => {
  it("listJobs and countJobs in either process see the jobs both created", async () => {
    const steering = await startSteering();
    const worker = await startWorker();
    const created = [
      await steering.enqueue("emails.send", { id: 1 }, { correlationId: "from-steering" }),
      await worker.scheduler.enqueue("emails.send", { id: 2 }, { correlationId: "from-worker" }),
      await steering.enqueue("reports.build", { id: 3 }, { correlationId: "from-steering" }),
      await worker.scheduler.enqueue("reports.build", { id: 4 }, { correlationId: "from-worker" }),
    ];
    await waitForState(
      () => steering.countJobs(),
      (counts) => counts.succeeded === 4,
      "all four jobs to succeed",
    );

    for (const scheduler of [steering, worker.scheduler]) {
      const page = await scheduler.listJobs();
      expect(new Set(page.jobs.map((job) => job.jobId))).toEqual(
        new Set(created.map((handle) => handle.jobId)),
      );
      expect(page.jobs.every((job) => job.status === "succeeded")).toBe(true);
      expect(
        (await scheduler.listJobs({ correlationId: "from-worker" })).jobs
          .map((job) => job.jobId)
          .sort(),
      ).toEqual([created[1]!.jobId, created[3]!.jobId].sort());
      expect(await scheduler.countJobs({ jobName: "emails.send" })).toMatchObject({
        succeeded: 2,
        queued: 0,
        running: 0,
      });
    }
  });

  it("a pause in one process holds the other's runs and recurring slots at once, and survives a restart; resume lets them run", async () => {
    const steering = await startSteering();
    let worker = await startWorker();
    await waitForState(
      async () =>
        worker.outcomes.filter((o) => o.jobName === "tick" && o.status === "succeeded").length,
      (n) => n > 0,
      "a tick to run",
    );

    await steering.pauseJob("tick");
    await steering.pauseJob("emails.send");
    const held = await steering.enqueue("emails.send", { id: 10 });
    // The worker heard of it (the poll is a minute away): its ticks are skipped / paused.
    await waitForState(
      async () =>
        worker.outcomes.some(
          (o) => o.jobName === "tick" && o.status === "skipped" && o.message === "paused",
        ),
      Boolean,
      "the worker to skip a tick as paused",
    );
    // A job enqueued after the held one runs; the held one does not.
    const after = await steering.enqueue("reports.build", { id: 11 });
    await waitForState(
      async () => (await steering.getJob(after.jobId))?.status,
      (status) => status === "succeeded",
      "the later report to run",
    );
    expect(idsOf(worker.probe.callsOf("emails.send"))).toEqual([]);
    expect(await steering.getJob(held.jobId)).toMatchObject({ status: "queued" });
    expect(
      (await worker.scheduler.snapshot()).jobs.filter((job) => job.paused).map((job) => job.name),
    ).toEqual(["emails.send", "tick"]);

    // A restarted worker knows of the pause from the database, before any notice.
    await worker.scheduler.stop();
    worker = await startWorker();
    expect(worker.store.isJobPaused("emails.send")).toBe(true);
    await waitForState(
      async () => worker.outcomes.some((o) => o.jobName === "tick" && o.message === "paused"),
      Boolean,
      "the restarted worker to skip a tick as paused",
    );
    expect(worker.outcomes.filter((o) => o.jobName === "tick" && o.status === "succeeded")).toEqual(
      [],
    );

    await steering.resumeJob("emails.send");
    await steering.resumeJob("tick");
    await waitForState(
      async () => (await steering.getJob(held.jobId))?.status,
      (status) => status === "succeeded",
      "the held email to run after resume",
    );
    expect(idsOf(worker.probe.callsOf("emails.send"))).toEqual([10]);
    await waitForState(
      async () => worker.outcomes.some((o) => o.jobName === "tick" && o.status === "succeeded"),
      Boolean,
      "ticks to run again",
    );
  });

  it("a run the worker claimed before the pause reached it goes back to the queue unchanged, and runs after resume", async () => {
    const steering = await startSteering();
    const worker = await startWorker({ maxConcurrentExecutions: 1 });
    await steering.pauseJob("tick");
    const blocker = deferred();
    worker.probe.on("reports.build", () => blocker.promise);
    await steering.enqueue("reports.build", { id: 20 });
    await worker.probe.whenCalls(1);
    const waiting = await steering.enqueue("emails.send", { id: 21 });
    await waitForState(
      async () => (await steering.getJob(waiting.jobId))?.status,
      (status) => status === "running",
      "the email to be claimed, waiting for the slot",
    );

    await steering.pauseJob("emails.send");
    await waitForState(
      async () => worker.store.isJobPaused("emails.send"),
      Boolean,
      "the worker to hear of the pause",
    );
    blocker.resolve();
    await waitForState(
      async () => (await steering.getJob(waiting.jobId))?.status,
      (status) => status === "queued",
      "the email to go back to the queue",
    );
    expect(await steering.getJob(waiting.jobId)).toMatchObject({
      currentRunId: waiting.runId,
      attempt: 1,
    });
    expect(idsOf(worker.probe.callsOf("emails.send"))).toEqual([]);

    await steering.resumeJob("emails.send");
    await waitForState(
      async () => (await steering.getJob(waiting.jobId))?.status,
      (status) => status === "succeeded",
      "the email to run after resume",
    );
    expect(worker.probe.callsOf("emails.send").map((call) => call.context.runId)).toEqual([
      waiting.runId,
    ]);
  });

  it("retryJob in one process gives the job a run the other process picks up", async () => {
    const steering = await startSteering();
    const worker = await startWorker();
    await steering.pauseJob("tick");
    let failing = true;
    worker.probe.on("emails.send", () => {
      if (failing) throw new Error("mailbox full");
    });
    const handle = await steering.enqueue("emails.send", { id: 30 });
    await waitForState(
      async () => (await steering.getJob(handle.jobId))?.status,
      (status) => status === "failed",
      "the email to fail",
    );
    failing = false;
    const retried = await steering.retryJob(handle.jobId);
    expect(retried).toMatchObject({ jobId: handle.jobId, attempt: 1 });
    await waitForState(
      async () => (await steering.getJob(handle.jobId))?.status,
      (status) => status === "succeeded",
      "the retried email to succeed",
    );
    expect(worker.probe.callsOf("emails.send").map((call) => call.context.runId)).toEqual([
      handle.runId,
      retried!.runId,
    ]);
  });
});
