import { runInNewContext } from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { ScheduledJobOptions } from "../../src/authoring/scheduled-job-options.js";
import { ScheduledJob } from "../../src/authoring/scheduled-job.js";

// The test runner's transform does not lower standard decorators, so each scenario is compiled by
// TypeScript itself — once per decorator mode — and run with the real decorator.
const source = `
  @ScheduledJob("reports.send", { fixedRate: "1m" })
  class ReportJob {
    execute() { return "ran"; }
  }
  class Billing {
    @ScheduledJob("billing.daily", { cron: "0 3 * * *" })
    static closeDay() { return "closed"; }
    @ScheduledJob("billing.hourly", { cron: "0 * * * *" })
    tick() { return "ticked"; }
  }
  result = {
    ran: new ReportJob().execute(),
    closed: Billing.closeDay(),
    ticked: new Billing().tick(),
    members: Object.getOwnPropertyNames(ReportJob.prototype).concat(Object.getOwnPropertyNames(Billing)),
  };
`;

function runDecorated(experimentalDecorators: boolean): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.None,
      experimentalDecorators,
    },
  });
  const sandbox: { ScheduledJob: typeof ScheduledJob; result?: Record<string, unknown> } = {
    ScheduledJob,
  };
  runInNewContext(outputText, sandbox);
  return sandbox.result ?? {};
}

describe("ScheduledJob decorator", () => {
  it.each([
    ["standard decorators", false],
    ["experimentalDecorators", true],
  ])("leaves classes and methods untouched under %s", (_mode, experimental) => {
    const result = runDecorated(experimental);
    expect(result).toMatchObject({ ran: "ran", closed: "closed", ticked: "ticked" });
    expect(result["members"]).toEqual([
      "constructor",
      "execute",
      "length",
      "name",
      "prototype",
      "closeDay",
    ]);
  });

  it("returns nothing for any call shape, so it never replaces what it decorates", () => {
    const decorate = ScheduledJob("legacy.method");
    expect(decorate({}, "method", { value: () => 1 })).toBeUndefined();
    expect(decorate(class Legacy {})).toBeUndefined();
  });
});

describe("ScheduledJobOptions accept configuration placeholders (checked by tsc over the test folder)", () => {
  it("types the placeholder-able options to take a whole-value placeholder, and enabled nothing else but a boolean", () => {
    const options: ScheduledJobOptions[] = [
      { cron: "${REPORT_CRON:-0 3 * * *}", timeZone: "${REPORT_TZ}" },
      {
        fixedRate: "${RATE:-5m}",
        initialDelay: "${DELAY:-0}",
        enabled: "${REPORTS_ENABLED:-true}",
      },
      { fixedDelay: "${DELAY}", enabled: false },
      // @ts-expect-error -- enabled is a boolean or a placeholder, not any string
      { fixedRate: "1m", enabled: "yes" },
    ];
    expect(options).toHaveLength(4);
  });
});
