import { afterEach, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobRegistry,
  type JobClass,
  type JobScheduler,
  type OutcomeInfo,
  type ServiceTable,
} from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { CapturingLogger } from "../support/harness.js";
import { Probe } from "../support/probe.js";
import { testJob, testRegistry, type ProbePayload } from "../support/test-registry.js";

const started: JobScheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()));
});

async function startWith(services: unknown, registry = testRegistry([testJob("emails.send")])) {
  const clock = new ManualClock(new Date("2026-01-01T00:00:00Z"));
  const outcomes: OutcomeInfo[] = [];
  const scheduler = createScheduler({
    registry,
    services: services as never,
    clock,
    logger: new CapturingLogger(),
    onRunOutcome: (outcome) => outcomes.push(outcome),
  }) as JobScheduler;
  await scheduler.start();
  started.push(scheduler);
  return { scheduler, clock, outcomes };
}

describe("services handed to the generated delegates", () => {
  it("a services object reaches every delegate as the very object passed to createScheduler", async () => {
    const probe = new Probe();
    const seen: ServiceTable[] = [];
    const email = testJob("emails.send");
    const registry = defineJobRegistry<{ Probe: Probe }, JobClass, Record<string, unknown>>(
      [
        {
          ...email.definition,
          invoke: (services, payload, context) => {
            seen.push(services);
            return new email.jobClass(services["Probe"] as Probe).execute(
              payload as ProbePayload,
              context,
            );
          },
        },
      ],
      [],
    );
    const services = { Probe: probe };
    const { scheduler, clock } = await startWith(services, registry);

    await scheduler.enqueue("emails.send", { id: 1 });
    await scheduler.enqueue("emails.send", { id: 2 });
    await clock.advance(0);

    expect(probe.calls.map((call) => call.payload)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(services);
    expect(seen[1]).toBe(services);
  });

  it("a resolver is asked again on every run, so a container can hand out a fresh instance per run", async () => {
    const probes: Probe[] = [];
    const asked: string[] = [];
    const { scheduler, clock } = await startWith((key: string) => {
      asked.push(key);
      const probe = new Probe();
      probes.push(probe);
      return probe;
    });

    await scheduler.enqueue("emails.send", { id: 1 });
    await scheduler.enqueue("emails.send", { id: 2 });
    await clock.advance(0);

    expect(asked).toEqual(["Probe", "Probe"]);
    expect(probes.map((probe) => probe.calls.map((call) => call.payload))).toEqual([
      [{ id: 1 }],
      [{ id: 2 }],
    ]);
  });

  it("a resolver is wrapped into an object with one enumerable property per dependency key, resolved on access", async () => {
    let seen: ServiceTable | undefined;
    const email = testJob("emails.send");
    const registry = defineJobRegistry<{ Probe: Probe }, JobClass, Record<string, unknown>>(
      [
        {
          ...email.definition,
          invoke: (services) => {
            seen = services;
          },
        },
      ],
      [],
    );
    const asked: string[] = [];
    const { scheduler, clock } = await startWith((key: string) => {
      asked.push(key);
      return new Probe();
    }, registry);

    await scheduler.enqueue("emails.send", { id: 1 });
    await clock.advance(0);

    expect(Object.keys(seen!)).toEqual(["Probe"]);
    expect(asked).toEqual([]);
    expect(seen!["Probe"]).toBeInstanceOf(Probe);
    expect(asked).toEqual(["Probe"]);
  });

  it("a resolver returning undefined fails the run with an error naming the key and what to do", async () => {
    const { scheduler, clock, outcomes } = await startWith(() => undefined);

    const handle = await scheduler.enqueue("emails.send", { id: 1 });
    await clock.advance(0);

    expect((await scheduler.getJob(handle.jobId))?.status).toBe("failed");
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.message).toMatch(
      /The service resolver returned undefined for "Probe"; register it in your container/,
    );
  });
});
