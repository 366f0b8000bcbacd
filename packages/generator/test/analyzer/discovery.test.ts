import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { createTypeScriptAnalyzer } from "../../src/analyzer/typescript-analyzer.js";
import { generateVirtual, VIRTUAL_ROOT, virtualProgram } from "../support/virtual-project.js";

const jobNames = (files: Record<string, string>): string[] => {
  const analyzer = createTypeScriptAnalyzer(ts, {
    projectRoot: VIRTUAL_ROOT,
    generatedFiles: [path.join(VIRTUAL_ROOT, "src/jobs.generated.ts")],
  });
  return analyzer.analyze(virtualProgram(files)).model.jobs.map((job) => job.name);
};

describe("job discovery", () => {
  it("ignores a look-alike ScheduledJob decorator that is not the runtime's", () => {
    const names = jobNames({
      "src/fake.ts":
        "export function ScheduledJob(name: string) { void name; return (_: unknown) => {}; }",
      "src/jobs.ts": [
        'import { ScheduledJob } from "./fake.js";',
        '@ScheduledJob("fake.job")',
        "export class FakeJob { execute(): void {} }",
      ].join("\n"),
    });
    expect(names).toEqual([]);
  });

  it("finds the decorator re-exported under another name twice over", () => {
    const names = jobNames({
      "src/first.ts": 'export { ScheduledJob as Job } from "@elarion/runtime";',
      "src/second.ts": 'export { Job as Task } from "./first.js";',
      "src/jobs.ts": [
        'import { Task } from "./second.js";',
        '@Task("renamed.job")',
        "export class RenamedJob { execute(): void {} }",
      ].join("\n"),
    });
    expect(names).toEqual(["renamed.job"]);
  });

  it("never analyzes the generated modules, even when the program contains them", () => {
    const names = jobNames({
      "src/jobs.generated.ts": [
        'import { ScheduledJob } from "@elarion/runtime";',
        '@ScheduledJob("generated.copy")',
        "export class CopiedJob { execute(): void {} }",
      ].join("\n"),
      "src/jobs.ts": [
        'import { ScheduledJob } from "@elarion/runtime";',
        '@ScheduledJob("real.job")',
        "export class RealJob { execute(): void {} }",
      ].join("\n"),
    });
    expect(names).toEqual(["real.job"]);
  });

  it("reports every project source file as consulted, and no library file", () => {
    const result = generateVirtual({
      "src/jobs.ts":
        'import { ScheduledJob } from "@elarion/runtime";\n@ScheduledJob("a.job")\nexport class AJob { execute(): void {} }',
      "src/unrelated.ts": "export const answer = 42;",
    });
    expect(result.consultedFiles).toEqual([
      path.join(VIRTUAL_ROOT, "src/jobs.ts"),
      path.join(VIRTUAL_ROOT, "src/unrelated.ts"),
    ]);
  });

  it("reads a job's payload from implements IScheduledJob<T> when execute leaves it unannotated", () => {
    const result = generateVirtual({
      "src/jobs.ts": [
        'import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";',
        "export type Ping = { host: string };",
        '@ScheduledJob("ping.send")',
        "export class PingJob implements IScheduledJob<Ping> {",
        "  // eslint-disable-next-line",
        "  execute(payload): void { void payload; }",
        "}",
      ].join("\n"),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.files[1]!.text).toContain('"ping.send": Ping;');
  });
});
