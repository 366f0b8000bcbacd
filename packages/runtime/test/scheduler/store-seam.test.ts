import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, defineJobDescriptors, type JobStore } from "../../src/index.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { ManualClock } from "../../src/testing/index.js";
import { deferred } from "../support/deferred.js";
import { CapturingLogger, startHarness, stopAllHarnesses } from "../support/harness.js";
import { Probe } from "../support/probe.js";
import { testJob, testRegistry } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

/** A memory store whose occurrence claims another process wins (or that fails). */
class ContestedStore extends MemoryStore {
  constructor(private readonly claim: () => boolean | Promise<boolean>) {
    super();
  }
  override claimOccurrence(): boolean {
    return this.claim() as boolean;
  }
}

const tick = (extra = {}) =>
  testJob("tick", {
    schedule: { kind: "fixed-rate", intervalMs: 1_000, initialDelayMs: null, runOnStart: false },
    supportsRuntimeScheduling: false,
    ...extra,
  });

describe("the store seam", () => {
  it("an occurrence claimed by another process is skipped / claimed-elsewhere", async () => {
    const { probe, clock, outcomesOf } = await startHarness([tick()], {
      store: new ContestedStore(() => false),
    });
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(0);
    expect(outcomesOf("tick").map((outcome) => [outcome.status, outcome.message])).toEqual([
      ["skipped", "claimed-elsewhere"],
    ]);
  });

  it("a failing occurrence claim skips fail-closed and is logged; an async claim that wins runs the slot", async () => {
    let calls = 0;
    const store = new ContestedStore(() => {
      calls++;
      if (calls === 1) throw new Error("database down");
      return Promise.resolve(true) as unknown as boolean;
    });
    const { probe, clock, outcomesOf, logger } = await startHarness([tick()], { store });
    await clock.advance(2_000);
    expect(outcomesOf("tick")[0]).toMatchObject({
      status: "skipped",
      message: "claimed-elsewhere",
    });
    expect(
      logger.entries.some(
        (entry) => entry.level === "warn" && entry.details?.["error"] === "database down",
      ),
    ).toBe(true);
    expect(probe.calls).toHaveLength(1);
  });

  it("two processes started at different moments run each fixed-rate window once between them", async () => {
    const claimed = new Set<string>();
    class SharedClaimsStore extends MemoryStore {
      override claimOccurrence(jobName: string, slotKey: number): boolean {
        const key = `${jobName}@${slotKey}`;
        if (claimed.has(key)) return false;
        claimed.add(key);
        return true;
      }
    }
    const clock = new ManualClock(new Date("2026-01-01T00:00:00Z"));
    const probe = new Probe();
    const startProcess = async () => {
      const scheduler = createScheduler({
        registry: testRegistry([tick()]),
        services: { Probe: probe },
        clock,
        store: new SharedClaimsStore(),
      });
      await scheduler.start();
      return scheduler;
    };
    const processA = await startProcess();
    await clock.advance(300);
    const processB = await startProcess();
    await clock.advance(10_000);
    // A's slots fall at 1.0 s, 2.0 s, ...; B's at 1.3 s, 2.3 s, ... — each 1 s window runs once.
    expect(probe.calls).toHaveLength(10);
    await processA.stop();
    await processB.stop();
  });

  it("placement every-node bypasses occurrence claims", async () => {
    const { probe, clock } = await startHarness([tick({ placement: "every-node" })], {
      store: new ContestedStore(() => false),
    });
    await clock.advance(1_000);
    expect(probe.calls).toHaveLength(1);
  });

  it("an enqueue-only process and a worker share a store; a row for a job the worker does not know ends failed, and it carries on", async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const known = testJob("emails.send");
    const unknown = testJob("legacy.job");
    const producer = createScheduler({
      registry: defineJobDescriptors<Record<string, { id: number }>>(
        [known.definition.descriptor, unknown.definition.descriptor],
        [],
      ),
      clock,
      store,
    });
    await producer.start();
    const probe = new Probe();
    const logger = new CapturingLogger();
    const worker = createScheduler({
      registry: testRegistry([known]),
      services: { Probe: probe },
      clock,
      store,
      logger,
    });
    await worker.start();
    const legacy = await producer.enqueue("legacy.job", { id: 1 });
    const email = await producer.enqueue("emails.send", { id: 2 });
    await clock.advance(0);
    expect(await worker.getJob(legacy.jobId)).toMatchObject({ status: "failed" });
    expect((await worker.getJob(legacy.jobId))?.lastError).toMatch(
      /Job "legacy.job" is not registered in this process/,
    );
    expect(await worker.getJob(email.jobId)).toMatchObject({ status: "succeeded" });
    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 2 }]);
    await worker.stop();
    await producer.stop();
  });

  it("a store can push a cancel of an active run into the dispatcher (host.abortRun)", async () => {
    let host: Parameters<JobStore["open"]>[0] | undefined;
    class RecordingStore extends MemoryStore {
      override open(given: Parameters<JobStore["open"]>[0]): void {
        host = given;
        super.open(given);
      }
    }
    const email = testJob("emails.send");
    const { scheduler, probe, clock } = await startHarness([email], {
      store: new RecordingStore(),
    });
    probe.on(
      "emails.send",
      (_payload, context) =>
        new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve())),
    );
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await probe.whenCalls(1);
    host!.abortRun(handle.runId, "cancelled on another worker");
    await clock.advance(0);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "cancelled" });
  });
});

describe("whenIdle", () => {
  it("resolves once no run is active and nothing is due", async () => {
    const email = testJob("emails.send");
    const { scheduler, probe } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    let idle = false;
    const waiting = scheduler.whenIdle().then(() => (idle = true));
    await probe.whenCalls(1);
    expect(idle).toBe(false);
    release.resolve();
    await waiting;
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({ status: "succeeded" });
  });
});

describe("cancel while waiting at the overlap gate", () => {
  it("cancelRun of a runtime run queued behind its job's overlap: true, never starts, cancelled", async () => {
    const email = testJob("emails.send", { overlap: "queue", overlapExplicit: true });
    const { scheduler, probe, clock } = await startHarness([email]);
    const release = deferred();
    probe.on("emails.send", () => release.promise);
    await scheduler.enqueue(email.jobClass, { id: 1 });
    const queued = await scheduler.enqueue(email.jobClass, { id: 2 });
    await clock.advance(0);
    expect(await scheduler.cancelRun(queued.runId)).toBe(true);
    release.resolve();
    await clock.advance(0);
    expect(probe.calls).toHaveLength(1);
    expect(await scheduler.getJob(queued.jobId)).toMatchObject({ status: "cancelled" });
  });
});
