import { afterEach, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

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
    expect(probe.calls.map((call) => (call.payload as { id: number }).id)).toEqual(Array.from({ length: burst }, (_, id) => id));
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
