import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { printStub } from "../../src/printer/stub-printer.js";
import ts from "typescript";
import { STRICT_FLAGS } from "../support/compile-generated.js";
import { VIRTUAL_OPTIONS, VIRTUAL_ROOT, virtualProgram } from "../support/virtual-project.js";

const RUNTIME_ENTRY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../runtime/dist/index.js",
);

describe("the registry stub", () => {
  const stub = printStub({
    outFile: path.join(VIRTUAL_ROOT, "src/jobs.generated.ts"),
    projectRoot: VIRTUAL_ROOT,
  });

  it("type-checks in place of the generated module, so the app compiles before generation", () => {
    const program = virtualProgram(
      {
        "src/jobs.generated.ts": stub,
        "src/main.ts": [
          'import { jobRegistry, jobDescriptors, type JobServices } from "./jobs.generated.js";',
          "export const services: JobServices = {};",
          "export const parts: readonly unknown[] = [jobRegistry.jobs, jobDescriptors.descriptors];",
        ].join("\n"),
        "src/schedule.ts": [
          'import { createScheduler, type IScheduledJob } from "@elarion/runtime";',
          'import { jobRegistry } from "./jobs.generated.js";',
          "export class PingJob implements IScheduledJob<{ readonly n: number }> { execute(): void {} }",
          "export const handle: Promise<unknown> = createScheduler({ registry: jobRegistry, services: {} }).enqueue(PingJob, { n: 1 });",
        ].join("\n"),
      },
      { ...VIRTUAL_OPTIONS, ...STRICT_FLAGS },
    );
    expect(
      ts
        .getPreEmitDiagnostics(program)
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")),
    ).toEqual([]);
  });

  it("throws at import with a message that says how to generate the registry", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "elarion-stub-"));
    try {
      fs.writeFileSync(path.join(directory, "jobs.generated.ts"), stub);
      const outfile = path.join(directory, "stub.mjs");
      await build({
        entryPoints: [path.join(directory, "jobs.generated.ts")],
        bundle: true,
        format: "esm",
        platform: "node",
        outfile,
        alias: { "@elarion/runtime": RUNTIME_ENTRY },
        logLevel: "silent",
      });
      await expect(import(pathToFileURL(outfile).href)).rejects.toThrow(
        /src\/jobs\.generated\.ts was not generated.*elarion-gen/s,
      );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
