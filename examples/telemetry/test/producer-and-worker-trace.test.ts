import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-telemetry-"));
// A schema of its own, so this test never meets a concurrent run of the example itself.
const schema = `elarion_example_telemetry_test_${process.pid}`;
let output = "";
let status: number | null = null;

beforeAll(() => {
  for (const entry of ["package.json", "tsconfig.json", "src"])
    cpSync(join(exampleDirectory, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(exampleDirectory, "node_modules"), join(scratch, "node_modules"), "dir");
  const tspc = join(exampleDirectory, "node_modules", "ts-patch", "bin", "tspc.js");
  const build = spawnSync(process.execPath, [tspc, "-p", "tsconfig.json"], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
  const run = spawnSync(process.execPath, [join(scratch, "dist", "main.js")], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ELARION_SCHEMA: schema },
  });
  output = `${run.stdout}${run.stderr}`;
  status = run.status;
}, 240_000);

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

describe("the telemetry example: one trace from the producer's enqueue to the worker's run", () => {
  it("exits 0 after the job succeeded in the worker", () => {
    expect(status, output).toBe(0);
    expect(output).toContain("producer: emails.send succeeded");
    expect(output).toContain("launcher: done");
  });

  it("prints one trace spanning both processes: request → enqueue (producer) → run → the job's own span (worker)", () => {
    const traces = output.split("\n").filter((line) => line.startsWith("trace "));
    expect(traces, output).toHaveLength(1);
    expect(traces[0]).toMatch(/^trace [0-9a-f]{32} \(4 spans, 2 processes: producer, worker\)$/);
    expect(output).toMatch(/\n {2}POST \/signup +producer /);
    expect(output).toMatch(
      /\n {2}└─ scheduler enqueue emails\.send +producer .*scheduler\.job\.id=[0-9a-f-]{36}/,
    );
    expect(output).toMatch(
      /\n {5}└─ scheduled emails\.send +worker .*scheduler\.job\.status=succeeded/,
    );
    expect(output).toMatch(/\n {8}└─ smtp send +worker /);
  });

  it("prints the worker's run metrics", () => {
    expect(output).toContain(
      "worker metric: scheduler.job.run.count{scheduler.job.name=emails.send,scheduler.job.status=succeeded} 1",
    );
    expect(output).toMatch(
      /worker metric: scheduler\.job\.run\.duration\{scheduler\.job\.name=emails\.send,scheduler\.job\.status=succeeded\} count 1, sum \d+\.\d{3} s/,
    );
  });
});
