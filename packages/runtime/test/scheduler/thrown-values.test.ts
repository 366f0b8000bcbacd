import { afterEach, describe, expect, it } from "vitest";
import { resiliencePolicy } from "../../src/index.js";
import { startHarness, stopAllHarnesses } from "../support/harness.js";
import { testJob } from "../support/test-registry.js";

afterEach(stopAllHarnesses);

/** An Error whose `message` getter throws: reading it in the scheduler used to crash the process. */
function errorWithThrowingMessage(): Error {
  const error = new Error("placeholder");
  Object.defineProperty(error, "message", {
    get() {
      throw new Error("message getter exploded");
    },
  });
  return error;
}

/** A value every access to which throws, `instanceof` and `typeof`-free string conversion included. */
function hostileProxy(): object {
  const trap = () => {
    throw new Error("proxy trap exploded");
  };
  return new Proxy(
    {},
    {
      get: trap,
      getPrototypeOf: trap,
      has: trap,
      ownKeys: trap,
      getOwnPropertyDescriptor: trap,
      apply: trap,
    },
  );
}

const hostileValues: readonly [string, () => unknown][] = [
  ["an Error whose message getter throws", errorWithThrowingMessage],
  ["a Proxy that throws on every access", hostileProxy],
  ["null", () => null],
  ["undefined", () => undefined],
  ["a symbol", () => Symbol("boom")],
  ["a frozen object", () => Object.freeze({ code: "E_FROZEN" })],
  [
    "an object whose toString and toJSON throw",
    () => ({
      toString() {
        throw new Error("toString exploded");
      },
      toJSON() {
        throw new Error("toJSON exploded");
      },
    }),
  ],
  ["a string PostgreSQL text cannot hold (NUL, lone surrogate)", () => "bad\u0000text \uD800 end"],
  ["an Error whose message holds a NUL", () => new Error("nul \u0000 inside")],
];

describe("whatever a job throws or rejects with", () => {
  for (const style of ["throws synchronously", "rejects"] as const) {
    it(`the run ends failed with a readable message and the scheduler keeps running (body ${style})`, async () => {
      const hostile = testJob("hostile.job");
      const { scheduler, probe, clock } = await startHarness([hostile]);
      probe.on("hostile.job", (payload) => {
        const make = hostileValues[(payload as { id: number }).id]![1];
        if (style === "throws synchronously") throw make();
        return Promise.reject(make());
      });
      const handles = [];
      for (let id = 0; id < hostileValues.length; id++)
        handles.push(await scheduler.enqueue(hostile.jobClass, { id }));
      await clock.advance(0);
      await scheduler.whenIdle();

      for (const [index, handle] of handles.entries()) {
        const state = await scheduler.getJob(handle.jobId);
        const label = hostileValues[index]![0];
        expect(state?.status, label).toBe("failed");
        expect(typeof state?.lastError, label).toBe("string");
        expect(state!.lastError!.length, label).toBeGreaterThan(0);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: no NUL may reach the store
        expect(state!.lastError, label).not.toMatch(/\u0000|[\uD800-\uDFFF]/);
      }
      // The scheduler still works after all of them.
      probe.on("hostile.job", () => undefined);
      const after = await scheduler.enqueue(hostile.jobClass, { id: 0 });
      await clock.advance(0);
      await scheduler.whenIdle();
      expect((await scheduler.getJob(after.jobId))?.status).toBe("succeeded");
      expect(probe.calls).toHaveLength(hostileValues.length + 1);
    });
  }

  it("names what it could read: the Error's name when its message cannot be read, the symbol's description", async () => {
    const hostile = testJob("hostile.job");
    const { scheduler, probe, clock } = await startHarness([hostile]);
    probe.on("hostile.job", (payload) => {
      throw (payload as { id: number }).id === 0 ? errorWithThrowingMessage() : Symbol("boom");
    });
    const unreadable = await scheduler.enqueue(hostile.jobClass, { id: 0 });
    const symbol = await scheduler.enqueue(hostile.jobClass, { id: 1 });
    await clock.advance(0);
    await scheduler.whenIdle();
    expect((await scheduler.getJob(unreadable.jobId))?.lastError).toMatch(
      /^Error \(its message could not be read/,
    );
    expect((await scheduler.getJob(symbol.jobId))?.lastError).toBe(
      "non-Error thrown: Symbol(boom)",
    );
  });

  it("a hostile value thrown by an attempt with inline retries is retried, then fails readably", async () => {
    const retry = resiliencePolicy("retry-twice", { maxRetryAttempts: 2, delay: "1s" });
    const hostile = testJob("hostile.job");
    const { scheduler, probe, clock } = await startHarness([hostile], { policies: [retry] });
    probe.on("hostile.job", () => Promise.reject(hostileProxy()));
    const handle = await scheduler.enqueue(
      hostile.jobClass,
      { id: 0 },
      { resilience: "retry-twice" },
    );
    await clock.advance(0);
    await clock.advance(1_000);
    await clock.advance(1_000);
    await scheduler.whenIdle();
    expect(probe.calls).toHaveLength(3);
    expect(await scheduler.getJob(handle.jobId)).toMatchObject({
      status: "failed",
      lastError: "non-Error thrown (a value that cannot be inspected)",
    });
  });
});
