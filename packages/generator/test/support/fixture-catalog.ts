/**
 * Every fixture project under `test/fixtures/`. Each has its reviewed generated output committed
 * under `<fixture>/expected/` and the diagnostics it must report, in the order reported (by file,
 * then position), as `code category file:line:column` with the file relative to the fixture.
 */
export interface FixtureExpectation {
  readonly name: string;
  readonly diagnostics: readonly string[];
}

/** Projects whose jobs are all valid (warnings allowed): the whole project type-checks with its output. */
export const VALID_FIXTURES: readonly FixtureExpectation[] = [
  { name: "basic-app", diagnostics: [] },
  { name: "payload-shapes", diagnostics: [] },
  { name: "payload-dates", diagnostics: ["ELG015 warning src/jobs.ts:60:20"] },
  { name: "placeholders", diagnostics: [] },
  { name: "aliases-and-constants", diagnostics: [] },
  { name: "bundler-imports", diagnostics: [] },
  { name: "ts-extension-imports", diagnostics: [] },
];

/**
 * Projects with invalid jobs next to one valid job: every diagnostic is listed (see
 * test/diagnostics for the scenario of each), and the valid job is still generated.
 */
export const DIAGNOSTIC_FIXTURES: readonly FixtureExpectation[] = [
  {
    name: "duplicate-job-names",
    diagnostics: ["ELG001 error src/b.ts:5:15", "ELG032 error src/c.ts:5:15"],
  },
  {
    name: "invalid-job-classes",
    diagnostics: [
      "ELG006 error src/abstract.ts:4:23",
      "ELG029 error src/decorator-target.ts:4:3",
      "ELG007 error src/generic.ts:4:25",
      "ELG027 error src/method-shape.ts:5:47",
      "ELG027 error src/method-shape.ts:10:11",
      "ELG027 error src/method-shape.ts:13:10",
      "ELG027 error src/method-shape.ts:20:14",
      "ELG003 error src/missing-execute.ts:4:14",
      "ELG004 error src/mistyped-execute.ts:5:3",
      "ELG004 error src/mistyped-execute.ts:10:3",
      "ELG004 error src/mistyped-execute.ts:17:3",
      "ELG004 error src/mistyped-execute.ts:24:36",
      "ELG008 error src/not-constructible.ts:5:3",
      "ELG005 error src/not-exported.ts:4:7",
    ],
  },
  {
    name: "invalid-dependencies",
    diagnostics: [
      "ELG013 error src/jobs.ts:6:40",
      "ELG009 error src/jobs.ts:15:15",
      "ELG010 error src/jobs.ts:23:38",
      "ELG011 error src/jobs.ts:31:39",
      "ELG012 error src/jobs.ts:39:41",
    ],
  },
  {
    name: "invalid-payloads",
    diagnostics: [
      "ELG014 error src/jobs.ts:21:20",
      "ELG014 error src/jobs.ts:21:20",
      "ELG014 error src/jobs.ts:21:20",
      "ELG014 error src/jobs.ts:21:20",
      "ELG014 error src/jobs.ts:21:20",
      "ELG014 error src/jobs.ts:21:20",
      "ELG031 error src/jobs.ts:28:20",
    ],
  },
  {
    name: "invalid-options",
    diagnostics: [
      "ELG002 error src/names.ts:7:15",
      "ELG002 error src/names.ts:12:15",
      "ELG016 error src/schedules.ts:3:39",
      "ELG017 error src/schedules.ts:8:42",
      "ELG018 error src/schedules.ts:13:58",
      "ELG019 error src/schedules.ts:18:43",
      "ELG020 error src/schedules.ts:23:63",
      "ELG020 error src/schedules.ts:28:73",
      "ELG020 error src/schedules.ts:33:72",
      "ELG017 error src/schedules.ts:45:48",
      "ELG021 error src/values.ts:5:69",
      "ELG021 error src/values.ts:10:42",
      "ELG024 error src/values.ts:15:47",
      "ELG025 error src/values.ts:20:39",
      "ELG026 error src/values.ts:26:42",
      "ELG028 warning src/values.ts:31:42",
    ],
  },
  {
    name: "invalid-placeholders",
    diagnostics: [
      "ELG016 error src/defaults.ts:4:36",
      "ELG017 error src/defaults.ts:7:37",
      "ELG018 error src/defaults.ts:10:55",
      "ELG019 error src/defaults.ts:13:40",
      "ELG019 error src/defaults.ts:16:36",
      "ELG025 error src/defaults.ts:19:56",
      "ELG034 error src/malformed.ts:4:42",
      "ELG034 error src/malformed.ts:7:43",
      "ELG034 error src/malformed.ts:10:41",
      "ELG034 error src/malformed.ts:13:46",
      "ELG034 error src/malformed.ts:16:64",
      "ELG035 error src/malformed.ts:19:74",
    ],
  },
  { name: "native-decorators", diagnostics: ["ELG033 error tsconfig.json:3:5"] },
  { name: "native-decorators-by-default", diagnostics: ["ELG033 error tsconfig.base.json:3:5"] },
  {
    name: "invalid-policies",
    diagnostics: [
      "ELG022 error src/jobs.ts:3:85",
      "ELG022 error src/policies.ts:3:71",
      "ELG023 error src/policies.ts:5:40",
      "ELG022 error src/policies.ts:7:92",
    ],
  },
];
