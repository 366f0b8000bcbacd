import { describe, expect, it } from "vitest";
import type { JobDescriptorSet, JobRegistry, ScheduledJobContext } from "@elarion/runtime";
import { importBundledFixture } from "../support/bundle-generated.js";
import { typeCheckWithGenerated } from "../support/compile-generated.js";
import { generateFixture } from "../support/fixture-program.js";
import { VALID_FIXTURES } from "../support/valid-fixtures.js";

describe("generated code compiles under strict flags", () => {
  for (const fixture of VALID_FIXTURES) {
    it(`type-checks ${fixture.name} with strict, noUnused*, exactOptionalPropertyTypes and verbatimModuleSyntax`, () => {
      expect(typeCheckWithGenerated(fixture.name, generateFixture(fixture.name))).toEqual([]);
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
    const lookups: string[] = [];
    const result = job.invoke(
      (key) => {
        lookups.push(key);
        return sender;
      },
      { to: "a@example.com", subject: "Hi", body: "...", priority: "high" },
      fakeContext("emails.send"),
    );
    expect(result).toBeInstanceOf(Promise);
    expect(lookups).toEqual(["EmailSender"]);
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
    await closeDay.invoke(() => ledger, undefined, fakeContext("billing.close-day"));
    expect(closed).toEqual(["2026-03-01"]);
    const heartbeat = jobRegistry.jobs.find((definition) => definition.descriptor.name === "billing.heartbeat")!;
    expect(() => heartbeat.invoke(() => { throw new Error("a static method job needs no services"); }, undefined, fakeContext("billing.heartbeat"))).not.toThrow();
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
    expect(validate({ to: "a", subject: "s", body: "b", priority: "urgent" })).toBe('payload.priority: expected "low" | "normal" | "high"');
    expect(validate(null)).toBe("payload: expected object");
    expect(jobDescriptors.policies.map((policy) => policy.name)).toEqual(["email-retry"]);
  });
});
