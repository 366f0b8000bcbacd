import { describe, expect, it } from "vitest";
import { generateVirtual } from "../support/virtual-project.js";

function descriptorOf(decorator: string, prelude = ""): string {
  const result = generateVirtual({
    "src/jobs.ts": [
      'import { ScheduledJob, resiliencePolicy } from "@elarion/runtime";',
      "void resiliencePolicy;",
      prelude,
      decorator,
      "export class SomeJob { execute(): void {} }",
    ].join("\n"),
  });
  expect(result.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([]);
  return result.files[1]!.text;
}

describe("options are evaluated from literals and consts", () => {
  it("follows consts, as const objects, spreads and property access", () => {
    const text = descriptorOf(
      '@ScheduledJob(NAMES.nightly, { ...BASE, cron: SCHEDULES["nightly"] })',
      [
        'const NAMES = { nightly: "reports.nightly" } as const;',
        'const SCHEDULES = { nightly: "0 3 * * *" } as const;',
        'const BASE = { overlap: "queue", group: "reports" } as const satisfies object;',
      ].join("\n"),
    );
    expect(text).toContain('name: "reports.nightly"');
    expect(text).toContain('schedule: { kind: "cron", expression: "0 3 * * *", timeZone: "UTC" }');
    expect(text).toContain('overlap: "queue"');
    expect(text).toContain('group: "reports"');
  });

  it("evaluates template literals, numeric separators and const enum members", () => {
    const text = descriptorOf(
      "@ScheduledJob(`${AREA}.sync`, { fixedRate: 1_500, initialDelay: `${2}s`, placement: Where.Everywhere })",
      ['const AREA = "crm";', 'const enum Where { Everywhere = "every-node" }'].join("\n"),
    );
    expect(text).toContain('name: "crm.sync"');
    expect(text).toContain(
      'schedule: { kind: "fixed-rate", intervalMs: 1500, initialDelayMs: 2000, runOnStart: true }',
    );
    expect(text).toContain('placement: "every-node"');
  });

  it("prints an inline resiliencePolicy call as normalised data", () => {
    const text = descriptorOf(
      '@ScheduledJob("inline.policy", { resilience: resiliencePolicy("inline", { maxRetryAttempts: 1, delay: "250ms" }) })',
    );
    expect(text).toContain(
      'resilience: { name: "inline", maxRetryAttempts: 1, delayMs: 250, backoff: "constant", maxDelayMs: null, jitter: false, timeoutMs: null }',
    );
  });

  it("rejects a let binding, naming the variable", () => {
    const result = generateVirtual({
      "src/jobs.ts": [
        'import { ScheduledJob } from "@elarion/runtime";',
        'let rate = "1h";',
        "rate = rate;",
        '@ScheduledJob("let.rate", { fixedRate: rate })',
        "export class SomeJob { execute(): void {} }",
      ].join("\n"),
    });
    expect(
      result.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.line, diagnostic.column]),
    ).toEqual([["ELG024", 4, 40]]);
    expect(result.diagnostics[0]!.message).toContain("`rate` is not a const");
  });
});
