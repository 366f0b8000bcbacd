import { describe, expect, it } from "vitest";
import type { JobDescriptorSet, JobRegistry, ScheduledJobContext } from "@elarion/runtime";
import { importBundledFixture } from "../support/bundle-generated.js";
import { typeCheckWithGenerated } from "../support/compile-generated.js";
import { generateFixture } from "../support/fixture-program.js";
import { DIAGNOSTIC_FIXTURES, VALID_FIXTURES } from "../support/fixture-catalog.js";

describe("generated code compiles under strict flags", () => {
  for (const fixture of VALID_FIXTURES) {
    it(`type-checks ${fixture.name} with strict, noUnused*, exactOptionalPropertyTypes and verbatimModuleSyntax`, () => {
      expect(typeCheckWithGenerated(fixture.name, generateFixture(fixture.name))).toEqual([]);
    });
  }
  for (const fixture of DIAGNOSTIC_FIXTURES) {
    it(`type-checks what ${fixture.name} still generates from its valid jobs`, () => {
      const inGenerated = typeCheckWithGenerated(fixture.name, generateFixture(fixture.name)).filter((line) => line.startsWith("jobs.generated"));
      expect(inGenerated).toEqual([]);
    });
  }
});

function fakeContext(jobName: string): ScheduledJobContext {
  return {
    jobId: "job-1",
    runId: "run-1",
    jobName,
    attempt: 1,
    maxAttempts: 1,
    dueTime: new Date("2026-03-01T03:00:00Z"),
    startedAt: new Date("2026-03-01T03:00:00Z"),
    schedulingLagMs: 0,
    isRuntimeScheduled: true,
    correlationId: null,
    signal: new AbortController().signal,
    requestCancellation: () => undefined,
  };
}

describe("generated delegates run the jobs directly", () => {
  it("constructs a class job with its service and returns execute's promise unwrapped", async () => {
    const { jobRegistry } = await importBundledFixture<{ jobRegistry: JobRegistry }>("basic-app", generateFixture("basic-app"), "src/jobs.generated.ts");
    const sent: string[] = [];
    let releaseSend!: () => void;
    const sendStarted = new Promise<void>((resolve) => (releaseSend = resolve));
    const sender = {
      async send(to: string, subject: string, _body: string, signal: AbortSignal) {
        sent.push(`${to}|${subject}|${signal.aborted}`);
        await sendStarted;
      },
    };
    const job = jobRegistry.jobs.find((definition) => definition.descriptor.name === "emails.send")!;
    const reads: string[] = [];
    const services = new Proxy({ EmailSender: sender } as Record<string, unknown>, {
      get: (target, key) => {
        reads.push(String(key));
        return target[String(key)];
      },
    });
    const result = job.invoke(
      services,
      { to: "a@example.com", subject: "Hi", body: "...", priority: "high" },
      fakeContext("emails.send"),
    );
    expect(result).toBeInstanceOf(Promise);
    expect(reads).toEqual(["EmailSender"]);
    expect(sent).toEqual(["a@example.com|Hi|false"]);
    releaseSend();
    await expect(result).resolves.toBeUndefined();
    expect(job.jobClass?.name).toBe("SendEmailJob");
  });

  it("calls an instance method job with the context and a static one without construction", async () => {
    const { jobRegistry } = await importBundledFixture<{ jobRegistry: JobRegistry }>("basic-app", generateFixture("basic-app"), "src/jobs.generated.ts");
    const closed: string[] = [];
    const ledger = { close: (day: string) => closed.push(day) };
    const closeDay = jobRegistry.jobs.find((definition) => definition.descriptor.name === "billing.close-day")!;
    await closeDay.invoke({ Ledger: ledger }, undefined, fakeContext("billing.close-day"));
    expect(closed).toEqual(["2026-03-01"]);
    const heartbeat = jobRegistry.jobs.find((definition) => definition.descriptor.name === "billing.heartbeat")!;
    const untouchable = new Proxy({}, {
      get: () => {
        throw new Error("a static method job needs no services");
      },
    });
    expect(() => heartbeat.invoke(untouchable, undefined, fakeContext("billing.heartbeat"))).not.toThrow();
    expect(closeDay.jobClass).toBeNull();
  });

  it("validates payloads with the failing path, from the descriptors module alone", async () => {
    const { jobDescriptors } = await importBundledFixture<{ jobDescriptors: JobDescriptorSet }>(
      "basic-app",
      generateFixture("basic-app"),
      "src/jobs.generated.descriptors.ts",
    );
    const validate = jobDescriptors.descriptors.find((descriptor) => descriptor.name === "emails.send")!.validatePayload!;
    expect(validate({ to: "a", subject: "s", body: "b", priority: "low" })).toBeNull();
    expect(validate({ to: "a", subject: "s", body: "b", priority: "low", cc: ["x", 2] })).toBe("payload.cc[1]: expected string");
    expect(validate({ to: "a", subject: "s", body: "b", priority: "urgent" })).toBe('payload.priority: expected "high" | "low" | "normal"');
    expect(validate(null)).toBe("payload: expected object");
    expect(jobDescriptors.policies.map((policy) => policy.name)).toEqual(["email-retry"]);
  });
});

describe("generated payload validators", () => {
  type Validators = Record<string, (value: unknown) => string | null>;
  let loaded: Promise<Validators> | undefined;
  const validators = (): Promise<Validators> => (loaded ??= loadValidators());
  async function loadValidators(): Promise<Validators> {
    const { jobDescriptors } = await importBundledFixture<{ jobDescriptors: JobDescriptorSet }>(
      "payload-shapes",
      generateFixture("payload-shapes"),
      "src/jobs.generated.descriptors.ts",
    );
    return Object.fromEntries(
      jobDescriptors.descriptors.filter((descriptor) => descriptor.validatePayload !== null).map((descriptor) => [descriptor.name, descriptor.validatePayload!]),
    );
  }
  const validOrder = {
    orderId: "o-1",
    customer: "a@example.com",
    lines: [{ sku: "A", qty: 1 }, { sku: "B", qty: 2, note: null }, { sku: "C", qty: 3, note: "gift" }],
    total: { amount: 10, currency: "EUR" },
    tags: { source: "web" },
    category: { name: "root", children: [{ name: "leaf", children: [] }] },
    channel: "web",
    coordinates: [48.2, 16.37],
    flags: [true, "a", "b"],
    attachment: null,
    shipping: { carrier: "dhl", express: false },
    retries: 2,
    metadata: { anything: [1, "x"] },
    placedAt: "2026-03-01T00:00:00.000Z",
    lastEvent: { type: "cancelled", reason: "duplicate", refund: true },
  };

  it("accepts a payload that matches every part of its type", async () => {
    expect((await validators())["orders.import"]!(validOrder)).toBeNull();
    expect((await validators())["orders.import"]!({ ...validOrder, lastEvent: null })).toBeNull();
    expect((await validators())["orders.import"]!({ ...validOrder, lastEvent: { type: "created", at: "now" } })).toBeNull();
  });

  it.each([
    ["a wrong nested array item", { lines: [{ sku: "A", qty: 1 }, { sku: "B", qty: 1 }, { sku: "C", qty: "3" }] }, "payload.lines[2].qty: expected number"],
    ["a wrong literal union member", { total: { amount: 1, currency: "GBP" } }, 'payload.total.currency: expected "EUR" | "USD"'],
    ["a wrong record value", { tags: { source: 1 } }, 'payload.tags["source"]: expected string'],
    ["a wrong item deep in a recursive type", { category: { name: "r", children: [{ name: "l", children: [{ name: 3, children: [] }] }] } }, "payload.category.children[0].children[0].name: expected string"],
    ["a wrong enum value", { channel: "phone" }, 'payload.channel: expected "store" | "web"'],
    ["a tuple of the wrong length", { coordinates: [1] }, "payload.coordinates: expected tuple of 2 items"],
    ["a wrong rest element", { flags: [true, "a", 3] }, "payload.flags[2]: expected string"],
    ["an object where a union allows null or an object", { attachment: "file.txt" }, "payload.attachment: expected null | object"],
    ["a wrong field inside the object member of a union", { shipping: { carrier: 1, express: true } }, "payload.shipping.carrier: expected string"],
    ["a value matching no member of a union", { shipping: 7 }, 'payload.shipping: expected "standard" | object'],
    ["a wrong field in the member a discriminant selects", { lastEvent: { type: "cancelled", reason: "x", refund: "yes" } }, "payload.lastEvent.refund: expected boolean"],
    ["an unknown discriminant", { lastEvent: { type: "shipped" } }, 'payload.lastEvent.type: expected "cancelled" | "created"'],
    ["a non-object for a discriminated union", { lastEvent: "created" }, "payload.lastEvent: expected null | object"],
    ["a wrong optional nullable field", { lines: [{ sku: "A", qty: 1, note: 5 }] }, "payload.lines[0].note: expected null | string"],
    ["a number outside a numeric literal union", { retries: 3 }, "payload.retries: expected 0 | 1 | 2"],
    ["a missing required field", { orderId: undefined }, "payload.orderId: expected string"],
  ])("reports %s with its path", async (_scenario, change, message) => {
    expect((await validators())["orders.import"]!({ ...validOrder, ...change })).toBe(message);
  });

  it("validates primitive and inline array payloads", async () => {
    const byName = await validators();
    expect(byName["counters.bump"]!(3)).toBeNull();
    expect(byName["counters.bump"]!("3")).toBe("payload: expected number");
    expect(byName["batches.run"]!([{ id: "a" }, { id: "b", weight: 2 }])).toBeNull();
    expect(byName["batches.run"]!([{ id: "a" }, { id: "b", weight: "2" }])).toBe("payload[1].weight: expected number");
    expect(byName["caches.flush"]).toBeUndefined();
  });
});
