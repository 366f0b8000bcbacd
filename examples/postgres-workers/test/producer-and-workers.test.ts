import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-postgres-workers-"));
// A schema of its own, so this test never meets a concurrent run of the example itself.
const schema = `elarion_example_test_${process.pid}`;
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
    timeout: 90_000,
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

describe("the postgres-workers example: a producer and two worker processes on one schema", () => {
  it("exits 0 on its own after stopping both workers", () => {
    expect(status, output).toBe(0);
    expect(output).toContain("launcher: done");
  });

  it("stops the export running in a worker with a cancel issued by the producer process", () => {
    expect(output).toMatch(/\[worker-[ab]\] ledger\.export started exporting/);
    expect(output).toContain("producer: cancelJob → true; ledger.export ended cancelled");
    expect(output).toMatch(/\[worker-[ab]\] ledger\.export export of 2025 stopped: .*cancelled/);
  });

  it("renders every invoice exactly once, in whichever worker claimed it", () => {
    expect(output).toContain("producer: 6/6 invoices rendered");
    for (const invoice of [1001, 1002, 1003, 1004, 1005, 1006]) {
      expect(output.split(`invoice #${invoice} `).length - 1, output).toBe(1);
    }
    const share = /worker-a ran (\d+), worker-b ran (\d+)/.exec(output);
    expect(Number(share?.[1]) + Number(share?.[2])).toBe(6);
  });
});
