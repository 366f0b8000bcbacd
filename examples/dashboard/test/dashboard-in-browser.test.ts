/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, over the example
 * app (an in-memory scheduler with jobs in every state). It does what an operator does — reads the
 * overview, filters failed jobs, retries one, pauses a recurring job, cancels a queued one — and
 * checks what the page then says. Screenshots go to examples/dashboard/test-output/ (gitignored).
 * CI installs Chromium (`apt-get install chromium`) before running the tests.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Demo, startDemo } from "../src/demo-app.js";

const CHROMIUM = process.env["ELARION_CHROMIUM"] ?? "/usr/bin/chromium";
const exampleDirectory = fileURLToPath(new URL("../", import.meta.url));
const outputDirectory = join(exampleDirectory, "test-output");
/** How long the page may take to show what the scheduler did (it refreshes every 250 ms here). */
const SHOWS_WITHIN = { timeout: 10_000 };

let demo: Demo;
let browser: BrowserContext;
let page: Page;
let profile: string;
const problems: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} does not exist: install Debian's Chromium (apt-get update && apt-get install -y chromium), or set ELARION_CHROMIUM to a Chromium binary.`,
    );
  }
  mkdirSync(outputDirectory, { recursive: true });
  // The example as users build it (tspc with the Elarion transformer), then its app in this process.
  const build = spawnSync(
    process.execPath,
    [join(exampleDirectory, "node_modules", "ts-patch", "bin", "tspc.js"), "-p", "tsconfig.json"],
    { cwd: exampleDirectory, encoding: "utf8", timeout: 120_000 },
  );
  expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
  const app = (await import(join(exampleDirectory, "dist", "demo-app.js"))) as {
    startDemo: typeof startDemo;
  };
  demo = await app.startDemo({ port: 0, refreshIntervalMs: 250 });
  profile = mkdtempSync(join(tmpdir(), "elarion-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1360, height: 860 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  const dashboardOrigin = new URL(demo.url).origin;
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== dashboardOrigin && !request.url().startsWith("data:"))
      problems.push(`request to another origin: ${request.url()}`);
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(outputDirectory, `${name}.png`), fullPage: true });
}

/** The table row of a job (jobs list) or a job name (overview, schedules). */
const jobRow = (jobId: string) => page.locator(`tr[data-job-id="${jobId}"]`);
const nameRow = (jobName: string) => page.locator(`tr[data-job-name="${jobName}"]`);

describe("the dashboard in Chromium", () => {
  it("overview: every status has jobs, and each job name shows its counts, next due time and last outcome", async () => {
    await page.goto(demo.url);
    expect(await page.title()).toBe("Overview · Elarion");
    // The stylesheet is applied — a bounded wait: on a loaded CI machine the tiles were once read
    // unstyled ("2queued") right after navigation...
    await expect
      .poll(() => page.evaluate("getComputedStyle(document.querySelector('.tile')).display"), {
        timeout: 5_000,
      })
      .toBe("flex");
    // ...and each tile reads count then status (read per part, so the text does not depend on layout).
    const tiles = await page
      .locator(".tile")
      .evaluateAll((all) =>
        all.map(
          (tile) =>
            `${tile.querySelector(".tile-count")?.textContent} ${tile.querySelector(".tile-label")?.textContent}`,
        ),
      );
    expect(tiles).toEqual([
      "2 queued",
      "1 running",
      "1 waiting-retry",
      "3 succeeded",
      "2 failed",
      "1 cancelled",
      "1 skipped",
    ]);
    await expect
      .poll(() => nameRow("invoices.send").locator("td").allInnerTexts())
      .toEqual([
        "0",
        "0",
        "0",
        "1",
        "2",
        "0",
        "0",
        "—",
        expect.stringMatching(/^succeeded/),
        "Pause",
      ]);
    expect(await nameRow("legacy.import").locator(".outcome").innerText()).toMatch(
      /^skipped disabled/,
    );
    expect(await nameRow("webhooks.deliver").locator("td").nth(7).innerText()).toBe("in 10 min");
    expect(await page.locator("text=Running now").count()).toBe(1);
    await screenshot("01-overview");
  });

  it("filters failed jobs, retries one, and sees it succeed", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Jobs" }).click();
    await page
      .getByRole("navigation", { name: "Filter by status" })
      .getByRole("link", { name: "failed", exact: true })
      .click();
    await page.waitForURL(/\/jobs\?status=failed$/);
    expect(await page.locator("h1").innerText()).toBe("Jobs failed");
    const rows = page.locator("table.job-list tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.locator(".status").allInnerTexts()).toEqual(["failed", "failed"]);
    // The gateway's HTML error page is shown as text, not rendered.
    const [retried, other] = demo.jobs.failedInvoices as [string, string];
    expect(await jobRow(retried).locator(".error-cell").innerText()).toContain(
      "<h1>502 Bad Gateway</h1>",
    );
    await screenshot("02-failed-jobs");

    await jobRow(retried).getByRole("button", { name: "Retry" }).click();
    await page.waitForURL(/\/jobs\?status=failed/);
    expect(await page.locator(".notice").innerText()).toBe(`Queued a new run of job ${retried}.`);
    // It ran again and succeeded, so the failed list (refreshed by itself) no longer has it.
    await jobRow(retried).waitFor({ state: "detached", ...SHOWS_WITHIN });
    expect(await jobRow(other).count()).toBe(1);

    await page.goto(`${demo.url}/jobs/${retried}`);
    await page.locator(".job-status .status-succeeded").waitFor(SHOWS_WITHIN);
    expect(await page.locator(".facts").innerText()).toMatch(/Attempt\s+1 of 1/);
    expect(await page.locator("table.runs tbody tr").first().locator(".status").innerText()).toBe(
      "succeeded",
    );
    await screenshot("03-retried-job-succeeded");
  });

  it("pauses a recurring job and sees its slots skipped, then resumes it", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    await nameRow("inventory.sync").getByRole("button", { name: "Pause" }).click();
    await page.waitForURL(new RegExp(`${new URL(demo.url).pathname}/?(\\?|$)`));
    expect(await page.locator(".notice").innerText()).toBe("Paused inventory.sync.");
    expect(await nameRow("inventory.sync").locator(".badge-paused").innerText()).toBe("paused");
    // Within a slot or two (every second) the page, refreshing itself, shows the skip.
    await nameRow("inventory.sync")
      .locator(".outcome", { hasText: /^skipped paused/ })
      .waitFor(SHOWS_WITHIN);
    expect(
      (await demo.scheduler.snapshot()).recentOutcomes.find(
        (outcome) => outcome.jobName === "inventory.sync",
      ),
    ).toMatchObject({ status: "skipped", message: "paused" });
    await screenshot("04-paused-job-skips");

    await nameRow("inventory.sync").getByRole("button", { name: "Resume" }).click();
    await nameRow("inventory.sync")
      .locator(".outcome", { hasText: /^succeeded/ })
      .waitFor(SHOWS_WITHIN);
    expect(await nameRow("inventory.sync").locator(".badge-paused").count()).toBe(0);
  });

  it("cancels a queued job", async () => {
    const [cancelled, kept] = demo.jobs.queuedEmails as [string, string];
    await page.goto(`${demo.url}/jobs?status=queued`);
    expect(await page.locator("table.job-list tbody tr").count()).toBe(2);
    await jobRow(cancelled).getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL(/\/jobs\?status=queued/);
    expect(await page.locator(".notice").innerText()).toBe(`Cancelled job ${cancelled}.`);
    expect(await jobRow(cancelled).count()).toBe(0);
    expect(await jobRow(kept).count()).toBe(1);

    await page.goto(`${demo.url}/jobs/${cancelled}`);
    expect(await page.locator(".job-status").innerText()).toBe("cancelled");
    expect(await page.locator("table.runs tbody tr .message").innerText()).toBe(
      "cancelled before execution",
    );
    await screenshot("05-cancelled-job");
  });

  it("shows a payload with <script> and a job's HTML error as text: no script of theirs runs, nothing is fetched from elsewhere", async () => {
    await page.goto(`${demo.url}/jobs/${demo.jobs.scriptPayloadEmail}`);
    expect(await page.locator("pre.json").innerText()).toContain(
      `"subject": "<script>alert('subject')</script> Your receipt"`,
    );
    await page.goto(`${demo.url}/jobs/${demo.jobs.failedInvoices[1]}`);
    expect(await page.locator("pre.error-text").innerText()).toContain(
      `<img src=x onerror="alert('gateway')">`,
    );
    expect(await page.locator("pre.json").innerText()).toContain(`"customer": "Globex <Corp>"`);
    await screenshot("06-escaped-payload-and-error");
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
