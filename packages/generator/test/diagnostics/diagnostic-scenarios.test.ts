import { describe, expect, it } from "vitest";
import type { GenerationResult } from "../../src/generate.js";
import { DIAGNOSTICS } from "../../src/diagnostics/index.js";
import { diagnosticSummary, generateFixture } from "../support/fixture-program.js";

/** One scenario per diagnostic: where the fixture triggers it and words the message must contain. */
const SCENARIOS: readonly {
  code: string;
  scenario: string;
  fixture: string;
  at: string;
  says: readonly string[];
}[] = [
  {
    code: "ELG001",
    scenario: "a job name used in two files",
    fixture: "duplicate-job-names",
    at: "src/b.ts:5:15",
    says: ['"reports.export"', "ExportCsvJob (src/a.ts:3)", "rename"],
  },
  {
    code: "ELG002",
    scenario: "a job name computed by a call",
    fixture: "invalid-options",
    at: "src/names.ts:7:15",
    says: ["makeName()", "literal"],
  },
  {
    code: "ELG002",
    scenario: "an empty job name",
    fixture: "invalid-options",
    at: "src/names.ts:12:15",
    says: ["it is empty"],
  },
  {
    code: "ELG003",
    scenario: "a job class without execute",
    fixture: "invalid-job-classes",
    at: "src/missing-execute.ts:4:14",
    says: ["NoExecuteJob", "Add `execute("],
  },
  {
    code: "ELG004",
    scenario: "execute that is a field, not a method",
    fixture: "invalid-job-classes",
    at: "src/mistyped-execute.ts:5:3",
    says: ["not a method"],
  },
  {
    code: "ELG004",
    scenario: "execute with three parameters",
    fixture: "invalid-job-classes",
    at: "src/mistyped-execute.ts:10:3",
    says: ["takes 3 parameters"],
  },
  {
    code: "ELG004",
    scenario: "execute returning a value",
    fixture: "invalid-job-classes",
    at: "src/mistyped-execute.ts:17:3",
    says: ["returns Promise<string>", "Promise<void> | void"],
  },
  {
    code: "ELG004",
    scenario: "execute whose second parameter cannot take the context",
    fixture: "invalid-job-classes",
    at: "src/mistyped-execute.ts:24:36",
    says: ["`region: string`", "ScheduledJobContext"],
  },
  {
    code: "ELG005",
    scenario: "a job class that is not exported",
    fixture: "invalid-job-classes",
    at: "src/not-exported.ts:4:7",
    says: ["HiddenJob", "Add `export`"],
  },
  {
    code: "ELG006",
    scenario: "an abstract job class",
    fixture: "invalid-job-classes",
    at: "src/abstract.ts:4:23",
    says: ["AbstractJob", "concrete subclass"],
  },
  {
    code: "ELG007",
    scenario: "a generic job class",
    fixture: "invalid-job-classes",
    at: "src/generic.ts:4:25",
    says: ["GenericJob", "non-generic subclass"],
  },
  {
    code: "ELG008",
    scenario: "a private constructor",
    fixture: "invalid-job-classes",
    at: "src/not-constructible.ts:5:3",
    says: ["SingletonJob", "make it public"],
  },
  {
    code: "ELG009",
    scenario: "a constructor parameter without a type",
    fixture: "invalid-dependencies",
    at: "src/jobs.ts:15:15",
    says: ['"mailer"', "Annotate"],
  },
  {
    code: "ELG010",
    scenario: "a primitive constructor parameter",
    fixture: "invalid-dependencies",
    at: "src/jobs.ts:23:38",
    says: ['"host"', "string", "named type"],
  },
  {
    code: "ELG011",
    scenario: "an unknown constructor parameter",
    fixture: "invalid-dependencies",
    at: "src/jobs.ts:31:39",
    says: ['"thing"', "unknown"],
  },
  {
    code: "ELG012",
    scenario: "a union constructor parameter",
    fixture: "invalid-dependencies",
    at: "src/jobs.ts:39:41",
    says: ["Mailer | Sms", "type alias"],
  },
  {
    code: "ELG013",
    scenario: "two different types named Mailer",
    fixture: "invalid-dependencies",
    at: "src/jobs.ts:6:40",
    says: ['"Mailer"', "src/other-mailer.ts:2", "src/services.ts:1", "type alias"],
  },
  {
    code: "ELG014",
    scenario: "a function in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.callback", "function"],
  },
  {
    code: "ELG014",
    scenario: "a bigint in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.big", "bigint"],
  },
  {
    code: "ELG014",
    scenario: "a Map in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.lookup", "Map"],
  },
  {
    code: "ELG014",
    scenario: "a Set in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.ids", "Set"],
  },
  {
    code: "ELG014",
    scenario: "a symbol in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.key", "symbol"],
  },
  {
    code: "ELG014",
    scenario: "a class instance with methods in the payload",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:21:20",
    says: ["payload.price", "class Money"],
  },
  {
    code: "ELG015",
    scenario: "a Date or a string in one place (warning)",
    fixture: "payload-dates",
    at: "src/jobs.ts:60:20",
    says: ["payload.until", "string | Date", "cannot be told apart", "receives a string"],
  },
  {
    code: "ELG016",
    scenario: "a cron minute out of range",
    fixture: "invalid-options",
    at: "src/schedules.ts:3:39",
    says: ["61", "out of range"],
  },
  {
    code: "ELG017",
    scenario: "a cron that never fires (February 30)",
    fixture: "invalid-options",
    at: "src/schedules.ts:8:42",
    says: ["never fires", "February"],
  },
  {
    code: "ELG017",
    scenario: "a cron whose every match falls into its zone's daylight-saving gap",
    fixture: "invalid-options",
    at: "src/schedules.ts:45:48",
    says: ["never fires in America/New_York", "daylight-saving gap"],
  },
  {
    code: "ELG018",
    scenario: "an unknown time zone",
    fixture: "invalid-options",
    at: "src/schedules.ts:13:58",
    says: ["Mars/Olympus", "IANA"],
  },
  {
    code: "ELG019",
    scenario: "an unreadable duration",
    fixture: "invalid-options",
    at: "src/schedules.ts:18:43",
    says: ["fixedRate", '"5 minutes"'],
  },
  {
    code: "ELG020",
    scenario: "cron and fixedRate together",
    fixture: "invalid-options",
    at: "src/schedules.ts:23:63",
    says: ["cron and fixedRate", "keep one"],
  },
  {
    code: "ELG020",
    scenario: "cron with initialDelay",
    fixture: "invalid-options",
    at: "src/schedules.ts:28:73",
    says: ["initialDelay", "not to cron"],
  },
  {
    code: "ELG020",
    scenario: "cron with runOnStart",
    fixture: "invalid-options",
    at: "src/schedules.ts:33:72",
    says: ["runOnStart", "not to cron"],
  },
  {
    code: "ELG021",
    scenario: "a negative maxConcurrentRuns",
    fixture: "invalid-options",
    at: "src/values.ts:5:69",
    says: ["maxConcurrentRuns is -1"],
  },
  {
    code: "ELG021",
    scenario: "a negative fixedDelay",
    fixture: "invalid-options",
    at: "src/values.ts:10:42",
    says: ["fixedDelay is -5"],
  },
  {
    code: "ELG022",
    scenario: "a declared policy with negative retries, at the property",
    fixture: "invalid-policies",
    at: "src/policies.ts:3:71",
    says: ["maxRetryAttempts", "negative-retries"],
  },
  {
    code: "ELG022",
    scenario: "an inline policy with a zero timeout, at the property",
    fixture: "invalid-policies",
    at: "src/jobs.ts:3:85",
    says: ["timeout", '"inline"'],
  },
  {
    code: "ELG022",
    scenario: "an unreadable delay, at the property",
    fixture: "invalid-policies",
    at: "src/policies.ts:7:92",
    says: ["delay", '"2 seconds"', "unreadable-delay"],
  },
  {
    code: "ELG023",
    scenario: "a policy name declared twice",
    fixture: "invalid-policies",
    at: "src/policies.ts:5:40",
    says: ['"shared"', "src/more-policies.ts:3"],
  },
  {
    code: "ELG024",
    scenario: "an option computed by a call",
    fixture: "invalid-options",
    at: "src/values.ts:15:47",
    says: ["fixedRate", "computeRate()"],
  },
  {
    code: "ELG025",
    scenario: "an overlap value that does not exist",
    fixture: "invalid-options",
    at: "src/values.ts:20:39",
    says: ['"sometimes"', '"allow-concurrent"'],
  },
  {
    code: "ELG026",
    scenario: "a misspelt option",
    fixture: "invalid-options",
    at: "src/values.ts:26:42",
    says: ['"cronn"', "Known options"],
  },
  {
    code: "ELG027",
    scenario: "a method job with two parameters",
    fixture: "invalid-job-classes",
    at: "src/method-shape.ts:5:47",
    says: ["Maintenance.vacuum", "2 parameters"],
  },
  {
    code: "ELG027",
    scenario: "a private method job",
    fixture: "invalid-job-classes",
    at: "src/method-shape.ts:10:11",
    says: ["Maintenance.reindex", "public"],
  },
  {
    code: "ELG027",
    scenario: "a method job returning a value",
    fixture: "invalid-job-classes",
    at: "src/method-shape.ts:13:10",
    says: ["Maintenance.count", "returns number"],
  },
  {
    code: "ELG027",
    scenario: "a method job whose parameter cannot take the context",
    fixture: "invalid-job-classes",
    at: "src/method-shape.ts:20:14",
    says: ["Regions.run", "`region: string`", "ScheduledJobContext"],
  },
  {
    code: "ELG028",
    scenario: "a policy name nobody declares (warning)",
    fixture: "invalid-options",
    at: "src/values.ts:31:42",
    says: ['"no-such-policy"', "known: none"],
  },
  {
    code: "ELG029",
    scenario: "the decorator on a property",
    fixture: "invalid-job-classes",
    at: "src/decorator-target.ts:4:3",
    says: ["a property"],
  },
  {
    code: "ELG032",
    scenario: "one class decorated as two class jobs",
    fixture: "duplicate-job-names",
    at: "src/c.ts:5:15",
    says: ["SyncJob", '"sync.hourly"', '"sync.on-demand"', "Keep one"],
  },
  {
    code: "ELG033",
    scenario: "target ESNext without experimentalDecorators",
    fixture: "native-decorators",
    at: "tsconfig.json:3:5",
    says: [
      '"target" is "ESNext"',
      "SyntaxError",
      '"target": "ES2022"',
      '"experimentalDecorators": true',
    ],
  },
  {
    code: "ELG033",
    scenario:
      "module NodeNext and no target (an ESNext target by default), in an extended tsconfig",
    fixture: "native-decorators-by-default",
    at: "tsconfig.base.json:3:5",
    says: ['"target" is not set', '"module": "NodeNext"', '"target": "ES2022"'],
  },
  {
    code: "ELG034",
    scenario: "a placeholder with an empty key",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:4:42",
    says: ["Option cron", '"${}"', "the variable name must start with a letter"],
  },
  {
    code: "ELG034",
    scenario: "a placeholder that is not closed",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:7:43",
    says: ["Option fixedRate", '"${SYNC_RATE"', 'not closed with "}"'],
  },
  {
    code: "ELG034",
    scenario: "a placeholder inside a cron expression",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:10:41",
    says: ["Option cron", '"0 ${REPORT_HOUR} * * *"', "must be the whole value"],
  },
  {
    code: "ELG034",
    scenario: "an empty default",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:13:46",
    says: ["Option fixedDelay", "its default is empty", 'write "${POLL_DELAY}" for no default'],
  },
  {
    code: "ELG034",
    scenario: "a default after a single colon",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:16:64",
    says: ["Option timeZone", '"${REPORT_TZ:Europe/Vienna}"', 'a default follows ":-"'],
  },
  {
    code: "ELG035",
    scenario: "a placeholder in an option that does not take one",
    fixture: "invalid-placeholders",
    at: "src/malformed.ts:19:74",
    says: [
      "Option group",
      '"${SYNC_GROUP}"',
      "cron, timeZone, fixedRate, fixedDelay, initialDelay, enabled",
    ],
  },
  {
    code: "ELG016",
    scenario: "a placeholder whose default is an invalid cron",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:4:36",
    says: ['"0 61 * * *"'],
  },
  {
    code: "ELG017",
    scenario: "a placeholder whose default cron never fires",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:7:37",
    says: ["never fires", "February"],
  },
  {
    code: "ELG018",
    scenario: "a placeholder whose default time zone is unknown",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:10:55",
    says: ["Mars/Olympus"],
  },
  {
    code: "ELG019",
    scenario: "a placeholder whose default is not a duration",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:13:40",
    says: ["fixedRate", '"5 minutes"'],
  },
  {
    code: "ELG019",
    scenario: "a placeholder whose default interval is 0",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:16:36",
    says: ["fixedDelay", "interval of 0"],
  },
  {
    code: "ELG025",
    scenario: "a placeholder whose enabled default is not a boolean",
    fixture: "invalid-placeholders",
    at: "src/defaults.ts:19:56",
    says: ["${SYNC_ENABLED:-yes}", '"yes"', "true or false"],
  },
  {
    code: "ELG031",
    scenario: "a payload typed never",
    fixture: "invalid-payloads",
    at: "src/jobs.ts:28:20",
    says: ["payloads.never", "never"],
  },
];

const results = new Map<string, GenerationResult>();
function resultOf(fixture: string): GenerationResult {
  let result = results.get(fixture);
  if (result === undefined) {
    result = generateFixture(fixture);
    results.set(fixture, result);
  }
  return result;
}

describe("every diagnostic fails the build with its code, location and a fix", () => {
  it.each(SCENARIOS)("$code: $scenario", ({ code, fixture, at, says }) => {
    const result = resultOf(fixture);
    const summaries = diagnosticSummary(fixture, result);
    const matching = result.diagnostics.filter(
      (diagnostic, index) => diagnostic.code === code && summaries[index]!.endsWith(` ${at}`),
    );
    expect(matching.length, `${code} at ${at} in ${summaries.join(", ")}`).toBeGreaterThan(0);
    const message = matching.find((diagnostic) =>
      says.every((fragment) => diagnostic.message.includes(fragment)),
    );
    expect(
      message,
      `a ${code} message containing ${says.join(" + ")}; got ${matching.map((d) => d.message).join(" | ")}`,
    ).toBeDefined();
    const definition = Object.values(DIAGNOSTICS).find((row) => row.code === code)!;
    expect(matching[0]!.category).toBe(definition.category);
  });

  it("has a fixture scenario for every code in the table except the front ends' stale-artifact check", () => {
    const covered = new Set(SCENARIOS.map((scenario) => scenario.code));
    const uncovered = Object.values(DIAGNOSTICS)
      .map((row) => row.code)
      .filter((code) => !covered.has(code) && code !== DIAGNOSTICS.staleArtifact.code);
    expect(uncovered).toEqual([]);
  });

  it("leaves a job with an error out of the registry and keeps the valid ones", () => {
    const result = resultOf("invalid-job-classes");
    const descriptors = result.files[1]!.text;
    expect(descriptors).toContain('name: "classes.valid"');
    expect(descriptors).not.toContain('name: "classes.abstract"');
  });
});
