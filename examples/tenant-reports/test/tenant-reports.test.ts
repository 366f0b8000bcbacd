import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "elarion-tenant-reports-"));
// A schema of its own, so this test never meets a concurrent run of the example itself.
const schema = `elarion_example_tenants_test_${process.pid}`;
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
    timeout: 120_000,
    env: { ...process.env, ELARION_SCHEMA: schema },
  });
  output = `${run.stdout}${run.stderr}`;
  status = run.status;
}, 300_000);

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

/** The report slots the workers printed: tenant, slot (epoch ms) and worker. */
function reportedSlots(): { tenant: string; slotMs: number; worker: string }[] {
  return [...output.matchAll(/\[(worker-[ab])\] report of (\w+) for slot (\S+)/g)].map((match) => ({
    worker: match[1]!,
    tenant: match[2]!,
    slotMs: Date.parse(match[3]!),
  }));
}

describe("the tenant-reports example: schedules per tenant defined at run time, two workers, one PostgreSQL schema", () => {
  it("exits 0 on its own after stopping both workers, its own slot check passed", () => {
    expect(status, output).toBe(0);
    expect(output).toMatch(/launcher: \d+ report slots \(.*\), each ran once with no slot missed/);
    expect(output).toContain("launcher: done");
  });

  it("ran every slot of every tenant once across the two workers, with no slot missed", () => {
    const slots = reportedSlots();
    expect(slots.length).toBeGreaterThanOrEqual(12);
    for (const tenant of ["acme", "globex", "initech"]) {
      const times = slots.filter((slot) => slot.tenant === tenant).map((slot) => slot.slotMs);
      expect(times.length, `${tenant}: ${output}`).toBeGreaterThanOrEqual(3);
      expect(new Set(times).size, `${tenant} ran a slot twice`).toBe(times.length);
      const sorted = [...times].sort((a, b) => a - b);
      const interval = { acme: 3_000, globex: 2_000, initech: 1_500 }[tenant]!;
      for (let index = 1; index < sorted.length; index++)
        expect(sorted[index]! - sorted[index - 1]!).toBeLessThanOrEqual(interval);
    }
  });

  it("changed acme's cron live: from the change on, acme runs every third second", () => {
    const change = /admin: acme now reports on "\*\/3 \* \* \* \* \*"; next slot (\S+)/.exec(
      output,
    );
    expect(change, output).not.toBeNull();
    const from = Date.parse(change![1]!);
    const after = reportedSlots().filter((slot) => slot.tenant === "acme" && slot.slotMs >= from);
    expect(after.length).toBeGreaterThan(0);
    for (const slot of after) expect(new Date(slot.slotMs).getUTCSeconds() % 3).toBe(0);
  });

  it("deduplicated the webhook burst into one sync job, run once with the last webhook's payload", () => {
    expect(output).toContain("admin: 25 webhooks for globex -> 1 sync job (24 deduplicated)");
    expect(output.match(/sync of globex after/g)).toHaveLength(1);
    expect(output).toMatch(/sync of globex after 25 webhooks/);
  });
});
