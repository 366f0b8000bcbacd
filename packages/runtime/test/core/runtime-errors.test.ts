import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createScheduler, RUNTIME_ERRORS, resiliencePolicy } from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { Probe } from "../support/probe.js";
import { testJob, testRegistry } from "../support/test-registry.js";

describe("runtime error codes", () => {
  it("docs/errors.md lists exactly the codes of the table, with the same meaning", () => {
    const doc = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");
    const rows = [...doc.matchAll(/^\| (ELR\d{3}) \| (.+) \|$/gm)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(rows).toEqual(Object.entries(RUNTIME_ERRORS));
  });

  it("an error thrown at a caller keeps its standard class and carries its code", async () => {
    expect(() => resiliencePolicy("", {})).toThrow(
      expect.objectContaining({ name: "TypeError", code: "ELR701" }),
    );
    const scheduler = createScheduler({
      registry: testRegistry([testJob("emails.send")]),
      services: { Probe: new Probe() },
      clock: new ManualClock(),
    });
    await expect(scheduler.enqueue("emails.send", { id: 1 })).rejects.toMatchObject({
      code: "ELR001",
      message: expect.stringMatching(/not started/),
    });
    await scheduler.start();
    const invalidDate = scheduler.schedule("emails.send", { id: 1 }, new Date(Number.NaN));
    await expect(invalidDate).rejects.toBeInstanceOf(RangeError);
    await expect(invalidDate).rejects.toMatchObject({ code: "ELR203" });
    await scheduler.stop();
  });
});
