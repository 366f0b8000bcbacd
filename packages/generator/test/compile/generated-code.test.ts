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
      const inGenerated = typeCheckWithGenerated(
        fixture.name,
        generateFixture(fixture.name),
      ).filter((line) => line.startsWith("jobs.generated"));
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
    const { jobRegistry } = await importBundledFixture<{ jobRegistry: JobRegistry }>(
      "basic-app",
      generateFixture("basic-app"),
      "src/jobs.generated.ts",
    );
    const sent: string[] = [];
    let releaseSend!: () => void;
    const sendStarted = new Promise<void>((resolve) => (releaseSend = resolve));
    const sender = {
      async send(to: string, subject: string, _body: string, signal: AbortSignal) {
        sent.push(`${to}|${subject}|${signal.aborted}`);
        await sendStarted;
      },
    };
    const job = jobRegistry.jobs.find(
      (definition) => definition.descriptor.name === "emails.send",
    )!;
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
    const { jobRegistry } = await importBundledFixture<{ jobRegistry: JobRegistry }>(
      "basic-app",
      generateFixture("basic-app"),
      "src/jobs.generated.ts",
    );
    const closed: string[] = [];
    const ledger = { close: (day: string) => closed.push(day) };
    const closeDay = jobRegistry.jobs.find(
      (definition) => definition.descriptor.name === "billing.close-day",
    )!;
    await closeDay.invoke({ Ledger: ledger }, undefined, fakeContext("billing.close-day"));
    expect(closed).toEqual(["2026-03-01"]);
    const heartbeat = jobRegistry.jobs.find(
      (definition) => definition.descriptor.name === "billing.heartbeat",
    )!;
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error("a static method job needs no services");
        },
      },
    );
    expect(() =>
      heartbeat.invoke(untouchable, undefined, fakeContext("billing.heartbeat")),
    ).not.toThrow();
    expect(closeDay.jobClass).toBeNull();
  });

  it("validates payloads with the failing path, from the descriptors module alone", async () => {
    const { jobDescriptors } = await importBundledFixture<{ jobDescriptors: JobDescriptorSet }>(
      "basic-app",
      generateFixture("basic-app"),
      "src/jobs.generated.descriptors.ts",
    );
    const validate = jobDescriptors.descriptors.find(
      (descriptor) => descriptor.name === "emails.send",
    )!.validatePayload!;
    expect(validate({ to: "a", subject: "s", body: "b", priority: "low" })).toBeNull();
    expect(validate({ to: "a", subject: "s", body: "b", priority: "low", cc: ["x", 2] })).toBe(
      "payload.cc[1]: expected string",
    );
    expect(validate({ to: "a", subject: "s", body: "b", priority: "urgent" })).toBe(
      'payload.priority: expected "high" | "low" | "normal"',
    );
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
      jobDescriptors.descriptors
        .filter((descriptor) => descriptor.validatePayload !== null)
        .map((descriptor) => [descriptor.name, descriptor.validatePayload!]),
    );
  }
  const validOrder = {
    orderId: "o-1",
    customer: "a@example.com",
    lines: [
      { sku: "A", qty: 1 },
      { sku: "B", qty: 2, note: null },
      { sku: "C", qty: 3, note: "gift" },
    ],
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
    expect(
      (await validators())["orders.import"]!({
        ...validOrder,
        lastEvent: { type: "created", at: "now" },
      }),
    ).toBeNull();
  });

  it.each([
    [
      "a wrong nested array item",
      {
        lines: [
          { sku: "A", qty: 1 },
          { sku: "B", qty: 1 },
          { sku: "C", qty: "3" },
        ],
      },
      "payload.lines[2].qty: expected number",
    ],
    [
      "a wrong literal union member",
      { total: { amount: 1, currency: "GBP" } },
      'payload.total.currency: expected "EUR" | "USD"',
    ],
    ["a wrong record value", { tags: { source: 1 } }, 'payload.tags["source"]: expected string'],
    [
      "a wrong item deep in a recursive type",
      { category: { name: "r", children: [{ name: "l", children: [{ name: 3, children: [] }] }] } },
      "payload.category.children[0].children[0].name: expected string",
    ],
    ["a wrong enum value", { channel: "phone" }, 'payload.channel: expected "store" | "web"'],
    [
      "a tuple of the wrong length",
      { coordinates: [1] },
      "payload.coordinates: expected tuple of 2 items",
    ],
    ["a wrong rest element", { flags: [true, "a", 3] }, "payload.flags[2]: expected string"],
    [
      "an object where a union allows null or an object",
      { attachment: "file.txt" },
      "payload.attachment: expected null | object",
    ],
    [
      "a wrong field inside the object member of a union",
      { shipping: { carrier: 1, express: true } },
      "payload.shipping.carrier: expected string",
    ],
    [
      "a value matching no member of a union",
      { shipping: 7 },
      'payload.shipping: expected "standard" | object',
    ],
    [
      "a wrong field in the member a discriminant selects",
      { lastEvent: { type: "cancelled", reason: "x", refund: "yes" } },
      "payload.lastEvent.refund: expected boolean",
    ],
    [
      "an unknown discriminant",
      { lastEvent: { type: "shipped" } },
      'payload.lastEvent.type: expected "cancelled" | "created"',
    ],
    [
      "a non-object for a discriminated union",
      { lastEvent: "created" },
      "payload.lastEvent: expected null | object",
    ],
    [
      "a wrong optional nullable field",
      { lines: [{ sku: "A", qty: 1, note: 5 }] },
      "payload.lines[0].note: expected null | string",
    ],
    [
      "a number outside a numeric literal union",
      { retries: 3 },
      "payload.retries: expected 0 | 1 | 2",
    ],
    ["a missing required field", { orderId: undefined }, "payload.orderId: expected string"],
  ])("reports %s with its path", async (_scenario, change, message) => {
    expect((await validators())["orders.import"]!({ ...validOrder, ...change })).toBe(message);
  });

  it("validates primitive and inline array payloads", async () => {
    const byName = await validators();
    expect(byName["counters.bump"]!(3)).toBeNull();
    expect(byName["counters.bump"]!("3")).toBe("payload: expected number");
    expect(byName["batches.run"]!([{ id: "a" }, { id: "b", weight: 2 }])).toBeNull();
    expect(byName["batches.run"]!([{ id: "a" }, { id: "b", weight: "2" }])).toBe(
      "payload[1].weight: expected number",
    );
    expect(byName["caches.flush"]).toBeUndefined();
  });
});

describe("generated payload codecs", () => {
  type Descriptors = Record<string, JobDescriptorSet["descriptors"][number]>;
  let loaded: Promise<Descriptors> | undefined;
  const descriptors = (): Promise<Descriptors> => (loaded ??= loadDescriptors());
  async function loadDescriptors(): Promise<Descriptors> {
    const { jobDescriptors } = await importBundledFixture<{ jobDescriptors: JobDescriptorSet }>(
      "payload-dates",
      generateFixture("payload-dates"),
      "src/jobs.generated.descriptors.ts",
    );
    return Object.fromEntries(
      jobDescriptors.descriptors.map((descriptor) => [descriptor.name, descriptor]),
    );
  }
  const at = (iso: string): Date => new Date(iso);
  const reminder = () => ({
    dueAt: at("2026-03-01T09:00:00.000Z"),
    confirmedAt: null,
    history: [at("2026-02-01T09:00:00.000Z"), at("2026-02-15T09:00:00.000Z")],
    byRegion: { eu: at("2026-03-01T08:00:00.000Z") },
    window: [at("2026-03-01T00:00:00.000Z"), 3] as [Date, number],
    category: {
      name: "root",
      createdAt: at("2025-01-01T00:00:00.000Z"),
      children: [{ name: "leaf", createdAt: at("2025-06-01T00:00:00.000Z"), children: [] }],
    },
    lastEvent: { kind: "shipment" as const, shippedAt: at("2026-02-20T10:00:00.000Z") },
    attachment: { at: at("2026-02-21T10:00:00.000Z"), by: "ada" },
    deadline: "never" as const,
    label: "2026-03-01T09:00:00.000Z",
  });

  it("validates a payload with Dates, encodes each Date as its ISO string, and decodes the JSON back to fresh Dates", async () => {
    const { validatePayload, payloadCodec } = (await descriptors())["reminders.send"]!;
    const payload = reminder();
    expect(validatePayload!(payload)).toBeNull();

    const stored = JSON.parse(JSON.stringify(payloadCodec!.encode(payload))) as unknown;
    expect(stored).toMatchObject({
      dueAt: "2026-03-01T09:00:00.000Z",
      history: ["2026-02-01T09:00:00.000Z", "2026-02-15T09:00:00.000Z"],
      category: {
        createdAt: "2025-01-01T00:00:00.000Z",
        children: [{ createdAt: "2025-06-01T00:00:00.000Z" }],
      },
    });
    expect(validatePayload!(stored)).toBeNull();

    const decoded = payloadCodec!.decode(stored);
    expect(decoded).toEqual(payload);
    const typed = decoded as ReturnType<typeof reminder>;
    expect(typed.dueAt).toBeInstanceOf(Date);
    expect(typed.dueAt).not.toBe(payload.dueAt);
    expect(typed.category.children[0]!.createdAt).toBeInstanceOf(Date);
    expect(typed.window[0]).toBeInstanceOf(Date);
    expect(typed.byRegion["eu"]).toBeInstanceOf(Date);
    expect(typed.lastEvent.shippedAt).toBeInstanceOf(Date);
    expect(typed.attachment.at).toBeInstanceOf(Date);
    // A string that is not a Date stays a string: a literal of the union, a plain string field.
    expect(typed.deadline).toBe("never");
    expect(typed.label).toBe("2026-03-01T09:00:00.000Z");
    // encode copies what it changes and never touches the caller's payload.
    expect(payload.dueAt).toBeInstanceOf(Date);
  });

  it("leaves optional and nullable dates as they are when absent or null", async () => {
    const { payloadCodec } = (await descriptors())["reminders.send"]!;
    const stored = payloadCodec!.encode({ ...reminder(), remindAgainAt: undefined }) as Record<
      string,
      unknown
    >;
    expect(stored["confirmedAt"]).toBeNull();
    expect(stored["remindAgainAt"]).toBeUndefined();
    const decoded = payloadCodec!.decode({
      ...stored,
      remindAgainAt: "2026-04-01T00:00:00.000Z",
      confirmedAt: "2026-03-02T00:00:00.000Z",
    }) as Record<string, unknown>;
    expect(decoded["remindAgainAt"]).toEqual(at("2026-04-01T00:00:00.000Z"));
    expect(decoded["confirmedAt"]).toEqual(at("2026-03-02T00:00:00.000Z"));
  });

  it("decodes a payload that is a Date, and rejects an unreadable stored value with a TypeError naming the path", async () => {
    const byName = await descriptors();
    expect(byName["alarms.ring"]!.payloadCodec!.encode(at("2026-03-01T06:30:00.000Z"))).toBe(
      "2026-03-01T06:30:00.000Z",
    );
    expect(byName["alarms.ring"]!.payloadCodec!.decode("2026-03-01T06:30:00.000Z")).toEqual(
      at("2026-03-01T06:30:00.000Z"),
    );
    expect(() => byName["alarms.ring"]!.payloadCodec!.decode("tomorrow")).toThrow(
      new TypeError("payload: expected Date"),
    );
    const stored = JSON.parse(
      JSON.stringify(byName["reminders.send"]!.payloadCodec!.encode(reminder())),
    ) as Record<string, unknown>;
    const broken = {
      ...stored,
      category: {
        name: "root",
        createdAt: "2025-01-01T00:00:00.000Z",
        children: [{ name: "leaf", createdAt: 1735689600000, children: [] }],
      },
    };
    expect(() => byName["reminders.send"]!.payloadCodec!.decode(broken)).toThrow(
      new TypeError("payload.category.children[0].createdAt: expected Date"),
    );
    expect(
      byName["reminders.send"]!.validatePayload!({ ...reminder(), dueAt: new Date("not a date") }),
    ).toBe("payload.dueAt: expected Date");
  });

  it("keeps a string where the type allows a Date or a string (ELG015): it cannot tell them apart once stored", async () => {
    const { payloadCodec } = (await descriptors())["notes.pin"]!;
    const stored = payloadCodec!.encode({ until: at("2026-03-01T00:00:00.000Z") });
    expect(stored).toEqual({ until: "2026-03-01T00:00:00.000Z" });
    expect(payloadCodec!.decode(stored)).toEqual({ until: "2026-03-01T00:00:00.000Z" });
  });

  it("gives no codec to payloads without a Date", async () => {
    const { jobDescriptors } = await importBundledFixture<{ jobDescriptors: JobDescriptorSet }>(
      "basic-app",
      generateFixture("basic-app"),
      "src/jobs.generated.descriptors.ts",
    );
    expect(jobDescriptors.descriptors.map((descriptor) => descriptor.payloadCodec ?? null)).toEqual(
      jobDescriptors.descriptors.map(() => null),
    );
  });
});
