import { readScheduleRule } from "@elarion/runtime/policy";
import { describe, expect, it } from "vitest";
import { generateVirtual } from "../support/virtual-project.js";

/**
 * A schedule defined at run time (`upsertSchedule`) is checked by the runtime's readScheduleRule;
 * the same options on `@ScheduledJob` are checked by the generator. Both must refuse the same
 * mistakes in the same words.
 */
const MISTAKES: readonly Record<string, unknown>[] = [
  { cron: "61 * * * *" },
  { cron: "0 0 30 2 *" },
  { cron: "30 2 8-14 3 */7", timeZone: "America/New_York" },
  { cron: "0 3 * * *", timeZone: "Mars/Olympus" },
  { fixedRate: "5 minutes" },
  { fixedRate: 0 },
  { fixedDelay: -5 },
  { cron: "0 3 * * *", fixedRate: "1h" },
  { fixedRate: "1h", timeZone: "UTC" },
  { fixedRate: "1h", overlap: "sometimes" },
  { fixedRate: "1h", misfire: "later" },
  { fixedRate: "1h", enabled: "yes" },
];

function generatorMessages(options: Record<string, unknown>): string[] {
  const result = generateVirtual({
    "src/jobs.ts": [
      'import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";',
      `@ScheduledJob("parity.job", ${JSON.stringify(options)})`,
      "export class ParityJob implements IScheduledJob<{ id: number }> { execute(): void {} }",
    ].join("\n"),
  });
  return result.diagnostics.map((diagnostic) => diagnostic.message);
}

describe("upsertSchedule and @ScheduledJob refuse the same schedules in the same words", () => {
  for (const options of MISTAKES) {
    it(JSON.stringify(options), () => {
      const runtime = readScheduleRule(options);
      expect(runtime.ok).toBe(false);
      const problems = runtime.ok ? [] : [...runtime.problems];
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.sort()).toEqual(generatorMessages(options).sort());
    });
  }
});
