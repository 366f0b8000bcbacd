import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, memoryStore, type ClaimedRun, type Clock } from "../../src/index.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { deferred } from "../support/deferred.js";
import { Probe } from "../support/probe.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob, testRegistry } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

describe("drain loop", () => {
  it("a burst of enqueues awaited one by one starts running before the burst ends, in enqueue order", async () => {
    const noop = testJob("bench.noop");
    const { scheduler, probe, clock } = await startHarness([noop], { store: memoryStore() });
    const burst = 3000;
    // Awaiting an already-resolved enqueue never yields to the macrotask queue, so only the
    // microtask drain can have run these jobs by the end of the loop.
    for (let id = 0; id < burst; id++) await scheduler.enqueue(noop.jobClass, { id });
    const ranDuringBurst = probe.calls.length;
    expect(ranDuringBurst).toBeGreaterThanOrEqual(burst - 1024);
    expect(ranDuringBurst).toBeLessThan(burst);

    await clock.advance(0);
    expect(probe.calls.map((call) => (call.payload as { id: number }).id)).toEqual(
      Array.from({ length: burst }, (_, id) => id),
    );
  });

  it("a few enqueues wait for the next turn and are claimed together", async () => {
    const noop = testJob("bench.noop");
    const { scheduler, probe, clock } = await startHarness([noop], { store: memoryStore() });
    for (let id = 0; id < 10; id++) await scheduler.enqueue(noop.jobClass, { id });
    expect(probe.calls).toHaveLength(0);
    expect((await scheduler.snapshot()).queuedRuns).toHaveLength(10);
    await clock.advance(0);
    expect(probe.calls).toHaveLength(10);
  });
});

describe("drain loop with a store that answers asynchronously", () => {
  it("a run that falls due while a claim is in flight is claimed at once, not after the stale-due re-check", async () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    let nowMs = start;
    const staleRecheckArmed = deferred<string>();
    /** Time stands still except while a claim is in flight, as a database round trip would take it. */
    const clock: Clock = {
      now: () => nowMs,
      setTimer: (atMs) => {
        if (atMs - nowMs >= 100) staleRecheckArmed.resolve(`a timer ${atMs - nowMs} ms out`);
        return { cancel: () => undefined };
      },
    };
    class RoundTripStore extends MemoryStore {
      override claimDueRuns(claimAtMs: number, limit: number): readonly ClaimedRun[] {
        const claimed = super.claimDueRuns(claimAtMs, limit);
        nowMs += 5;
        // Answer like a database store: with a promise (JobStore methods may return MaybePromise).
        return Promise.resolve(claimed) as unknown as readonly ClaimedRun[];
      }
    }
    const job = testJob("reports.build");
    const probe = new Probe();
    const scheduler = createScheduler({
      registry: testRegistry([job]),
      services: { Probe: probe },
      clock,
      store: new RoundTripStore(),
    });
    await scheduler.start();
    await scheduler.schedule(job.jobClass, { id: 1 }, start + 3);

    const first = await Promise.race([
      probe.whenCalls(1).then(() => "ran"),
      staleRecheckArmed.promise,
    ]);
    expect(first).toBe("ran");
    expect(probe.calls[0]?.context.dueTime.getTime()).toBe(start + 3);
    await scheduler.stop();
  });
});
