/**
 * The logger seam: any logger with `debug/info/warn/error(message, fields)` plugs in as it is, and
 * so does pino, whose methods take `(fields, message)`.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type Logger } from "../../src/index.js";
import { resolveLogger } from "../../src/core/logger.js";
import { ManualClock } from "../../src/testing/index.js";
import { Probe } from "../support/probe.js";
import { testJob, testRegistry } from "../support/test-registry.js";
import type { JobScheduler } from "../../src/index.js";

/** A pino logger writing JSON lines into an array. */
function capturedPino() {
  const written: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => written.push(line) });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const schedulers: JobScheduler[] = [];
afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.stop();
});

describe("the logger option", () => {
  it("pino plugs in unchanged: a failed job's line carries the message and every field, the error under pino's err key", async () => {
    const { logger, lines } = capturedPino();
    const email = testJob("emails.send");
    const probe = new Probe();
    probe.on("emails.send", () => Promise.reject(new Error("mailbox full")));
    const clock = new ManualClock();
    const scheduler = createScheduler({
      registry: testRegistry([email]),
      services: { Probe: probe },
      clock,
      logger,
      telemetry: false,
    });
    schedulers.push(scheduler);
    await scheduler.start();
    const handle = await scheduler.enqueue(email.jobClass, { id: 1 });
    await clock.advance(0);

    const failure = lines().find((line) => line["level"] === 50);
    expect(failure).toMatchObject({
      msg: 'job "emails.send" failed: mailbox full',
      jobName: "emails.send",
      jobId: handle.jobId,
      runId: handle.runId,
    });
    expect(failure!["err"]).toMatchObject({
      type: "Error",
      message: "mailbox full",
      stack: expect.stringContaining("mailbox full"),
    });
    expect(failure).not.toHaveProperty("error");
  });

  it("pino: every level, children too, and a line without fields", () => {
    const { logger, lines } = capturedPino();
    const resolved = resolveLogger(logger.child({ component: "scheduler" }));
    resolved.debug("d", { n: 1 });
    resolved.info("i", { n: 2 });
    resolved.warn("w", { error: "text stays under error" });
    resolved.error("e");
    expect(
      lines().map((line) => [
        line["level"],
        line["msg"],
        line["component"],
        line["n"] ?? line["error"] ?? null,
      ]),
    ).toEqual([
      [20, "d", "scheduler", 1],
      [30, "i", "scheduler", 2],
      [40, "w", "scheduler", "text stays under error"],
      [50, "e", "scheduler", null],
    ]);
  });

  it("pino: a level changed after createScheduler takes effect (its methods are looked up per call)", () => {
    const { logger, lines } = capturedPino();
    const resolved = resolveLogger(logger);
    logger.level = "error";
    resolved.warn("dropped", {});
    resolved.error("kept", {});
    expect(lines().map((line) => line["msg"])).toEqual(["kept"]);
  });

  it("a (message, fields) logger is called as it is; missing methods fall back to the console defaults", () => {
    const calls: unknown[][] = [];
    const given: Partial<Logger> = {
      warn: (message, details) => calls.push(["warn", message, details]),
      error: (message, details) => calls.push(["error", message, details]),
    };
    const resolved = resolveLogger(given);
    resolved.warn("w", { jobId: "j" });
    resolved.error("e", { runId: "r" });
    resolved.info("ignored by the default", {});
    expect(calls).toEqual([
      ["warn", "w", { jobId: "j" }],
      ["error", "e", { runId: "r" }],
    ]);
  });
});
