import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleCopies, exampleDirectory } from "./support/example-copy.js";

const copies = exampleCopies("elarion-email-demo-");
afterAll(() => copies.dispose());

let output = "";
let status: number | null = null;

beforeAll(() => {
  const app = copies.copy("demo");
  const tspc = join(exampleDirectory, "node_modules", "ts-patch", "bin", "tspc.js");
  const build = spawnSync(process.execPath, [tspc, "-p", "tsconfig.json"], {
    cwd: app,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
  // The demo waits for real time (an email due five seconds out); it ends on its own.
  const demo = spawnSync(process.execPath, [join(app, "dist", "main.js")], {
    cwd: app,
    encoding: "utf8",
    timeout: 60_000,
  });
  output = `${demo.stdout}${demo.stderr}`;
  status = demo.status;
}, 180_000);

describe("the email example (the seed scenario)", () => {
  it("exits 0 on its own after stopping the scheduler", () => {
    expect(status, output).toBe(0);
    expect(output).toContain("scheduler stopped");
  });

  it("cancels the reminder before it runs", () => {
    expect(output).toMatch(
      /cancelJob +the reminder to someone@example\.com → true, status cancelled/,
    );
    expect(output).not.toContain('sent "Reminder"');
  });

  it("shows the flaky email waiting-retry, then succeeded with the same jobId and a new runId", () => {
    const enqueued = /enqueued .*\n.*jobId (\S+) +runId (\S+) +attempt 1\/4/.exec(output);
    const waiting = /waiting-retry jobId (\S+) +next runId (\S+)/.exec(output);
    const succeeded = /succeeded +jobId (\S+) +runId (\S+) +attempt 2\/4/.exec(output);
    expect(enqueued, output).not.toBeNull();
    expect(waiting, output).not.toBeNull();
    expect(succeeded, output).not.toBeNull();
    expect(waiting?.[1]).toBe(enqueued?.[1]);
    expect(succeeded?.[1]).toBe(enqueued?.[1]);
    expect(succeeded?.[2]).not.toBe(enqueued?.[2]);
    expect(output.indexOf("waiting-retry")).toBeLessThan(output.indexOf('sent "Receipt"'));
  });

  it("delivers the scheduled invoice, runs the cron method and prints a snapshot", () => {
    expect(output).toContain('sent "Invoice" to customer@example.com');
    expect(output).toMatch(/outbox\.sweep occurrence due/);
    expect(output).toMatch(
      /snapshot at .*\n +jobs:\n +emails\.send .*\n +outbox\.sweep +schedule cron/,
    );
  });
});
