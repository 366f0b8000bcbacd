import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../src/index.js";
import { listen, send, type TestServer } from "./support/http-client.js";
import {
  JobClasses,
  startTestScheduler,
  stopTestSchedulers,
  type TestScheduler,
} from "./support/test-scheduler.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await stopTestSchedulers();
});

async function serve(test: TestScheduler): Promise<string> {
  const dashboard = createDashboard({ scheduler: test.scheduler, basePath: "/ops" });
  server = await listen((request, response) => void dashboard(request, response));
  return `${server.origin}/ops`;
}

/** The text of a table row (`<tr ... data-job-id="id">`), tags stripped. */
function rowText(body: string, attribute: string, value: string): string {
  const start = body.indexOf(`${attribute}="${value}"`);
  if (start < 0) throw new Error(`no row with ${attribute}="${value}"`);
  return body
    .slice(start, body.indexOf("</tr>", start))
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

describe("the dashboard's pages, over a real scheduler", () => {
  it("overview: per job name its counts by status, next due time, last outcome and paused flag, and the totals", async () => {
    const test = await startTestScheduler();
    const { scheduler, clock, mailbox } = test;
    mailbox.failNext.add("b@example.com");
    await scheduler.enqueue(JobClasses.SendEmailJob, { to: "a@example.com" });
    await scheduler.enqueue(JobClasses.SendEmailJob, {
      to: "b@example.com",
      failWith: "smtp down",
    });
    await scheduler.schedule(
      JobClasses.SendEmailJob,
      { to: "c@example.com" },
      clock.now() + 3_600_000,
    );
    await clock.advance(0);
    await scheduler.whenIdle();
    await scheduler.pauseJob("reports.build");
    const base = await serve(test);

    const page = await send(`${base}/`);

    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(rowText(page.body, "data-job-name", "emails.send")).toMatch(
      /emails\.send runtime 1 0 0 1 1 0 0 in 60 min failed smtp down/,
    );
    expect(rowText(page.body, "data-job-name", "reports.build")).toMatch(
      /reports\.build fixed rate paused 0 0 0 0 0 0 0 paused/,
    );
    expect(page.body).toContain(
      '<span class="tile-count">1</span><span class="tile-label">failed</span>',
    );
    expect(page.body).toContain(
      '<span class="tile-count">1</span><span class="tile-label">queued</span>',
    );

    const json = JSON.parse((await send(`${base}/api/overview`)).body) as {
      jobs: { name: string; paused: boolean; counts: Record<string, number> }[];
      totals: Record<string, number>;
    };
    expect(json.totals).toEqual({
      queued: 1,
      running: 0,
      "waiting-retry": 0,
      succeeded: 1,
      failed: 1,
      cancelled: 0,
      skipped: 0,
    });
    expect(json.jobs.map((job) => [job.name, job.paused, job.counts["failed"]])).toEqual([
      ["emails.send", false, 1],
      ["exports.build", false, 0],
      ["reports.build", true, 0],
    ]);
  });

  it("jobs: filtered by status and name, newest first, paged by cursor through 'Older →' links until every job was seen once", async () => {
    const test = await startTestScheduler();
    const { scheduler, clock } = test;
    const ids: string[] = [];
    for (let index = 0; index < 23; index++) {
      ids.push(
        (
          await scheduler.schedule(
            JobClasses.SendEmailJob,
            { to: `user${index}@example.com` },
            clock.now() + 3_600_000,
          )
        ).jobId,
      );
      await clock.advance(1);
    }
    await scheduler.enqueue(JobClasses.BuildExportJob, { dataset: "orders" });
    const base = await serve(test);

    const seen: string[] = [];
    let next: string | null = `${base}/jobs?status=queued&name=emails.send&limit=10`;
    let pages = 0;
    while (next !== null) {
      const page = await send(next);
      expect(page.status).toBe(200);
      seen.push(...[...page.body.matchAll(/data-job-id="([^"]+)"/g)].map((match) => match[1]!));
      const older = /<a rel="next" href="([^"]+)">Older →<\/a>/.exec(page.body);
      next = older === null ? null : `${server!.origin}${older[1]!.replaceAll("&amp;", "&")}`;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const running = await send(`${base}/jobs?status=running`);
    expect(running.body).toContain("exports.build");
    expect(running.body).not.toContain("user0@example.com");
    expect(
      rowText(
        running.body,
        "data-job-id",
        (await scheduler.listJobs({ status: "running" })).jobs[0]!.jobId,
      ),
    ).toContain("running");
  });

  it("jobs: a filter it cannot read is a 400 naming the problem, in HTML and JSON", async () => {
    const base = await serve(await startTestScheduler());
    const badStatus = await send(`${base}/jobs?status=exploded`);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toContain("status &quot;exploded&quot; is not a job status");
    const badCursor = await send(`${base}/api/jobs?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);
    expect((JSON.parse(badCursor.body) as { error: string }).error).toMatch(/cursor/);
    const badLimit = await send(`${base}/jobs?limit=5000`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body).toContain("from 1 to 1000");
  });

  it("one job: its state, payload as JSON, last error and runs; an unknown id is a 404", async () => {
    const test = await startTestScheduler();
    const { scheduler, clock, mailbox } = test;
    mailbox.failNext.add("b@example.com");
    const handle = await scheduler.enqueue(
      JobClasses.SendEmailJob,
      { to: "b@example.com", subject: "Receipt", failWith: "mailbox full" },
      { correlationId: "order-42" },
    );
    await clock.advance(0);
    await scheduler.whenIdle();
    const base = await serve(test);

    const page = await send(`${base}/jobs/${handle.jobId}`);

    expect(page.status).toBe(200);
    expect(page.body).toContain(`<code>${handle.jobId}</code>`);
    expect(page.body).toContain('<span class="status status-failed">failed</span>');
    expect(page.body).toContain("<code>order-42</code>");
    expect(page.body).toContain('<pre class="error-text">mailbox full</pre>');
    expect(page.body).toContain(
      `<pre class="json">${JSON.stringify({ to: "b@example.com", subject: "Receipt", failWith: "mailbox full" }, null, 2).replaceAll('"', "&quot;")}</pre>`,
    );
    expect(rowText(page.body, "data-run-id", handle.runId)).toMatch(
      /latest 1 failed .* mailbox full/,
    );
    // Without authorize the dashboard is read-only: no action is offered.
    expect(page.body).not.toContain("data-action=");
    expect(page.body).toContain('<span class="read-only"');

    const json = JSON.parse((await send(`${base}/api/jobs/${handle.jobId}`)).body) as {
      job: { status: string };
      payload: { known: boolean; value: unknown };
    };
    expect(json.job.status).toBe("failed");
    expect(json.payload).toEqual({
      known: true,
      value: { to: "b@example.com", subject: "Receipt", failWith: "mailbox full" },
    });

    const unknown = await send(`${base}/jobs/01234567-89ab-7def-8123-456789abcdef`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("No job has id 01234567-89ab-7def-8123-456789abcdef");
  });

  it("schedules: the recurring jobs with their next due time and paused flag, and why user-defined schedules are missing when the scheduler cannot list them", async () => {
    const test = await startTestScheduler();
    const base = await serve(test);
    const page = await send(`${base}/schedules`);
    expect(page.status).toBe(200);
    expect(rowText(page.body, "data-job-name", "reports.build")).toMatch(
      /reports\.build fixed-rate skip fire-once — in 60 s/,
    );
    expect(page.body).not.toContain('data-job-name="emails.send"');
    const json = JSON.parse((await send(`${base}/api/schedules`)).body) as {
      recurring: { name: string }[];
      userDefined: unknown;
    };
    expect(json.recurring.map((job) => job.name)).toEqual(["reports.build"]);
    expect(json.userDefined).toBeTypeOf("object");
  });

  it("answers the page's refresh with only its live part, HEAD without a body, other methods with 405", async () => {
    const base = await serve(await startTestScheduler());
    const fragment = await send(`${base}/`, { headers: { "x-elarion-fragment": "live" } });
    expect(fragment.status).toBe(200);
    expect(fragment.body.startsWith('<section class="tiles"')).toBe(true);
    expect(fragment.body).not.toContain("<html");
    const head = await send(`${base}/jobs`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    const put = await send(`${base}/jobs`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers["allow"]).toBe("GET, HEAD, POST");
  });

  it("serves its stylesheet and script from the package, cached by content hash, and forbids everything else in its CSP", async () => {
    const base = await serve(await startTestScheduler());
    const page = await send(`${base}/`);
    const css = /href="(\/ops\/assets\/dashboard\.css\?v=[0-9a-f]{16})"/.exec(page.body)?.[1];
    const js = /src="(\/ops\/assets\/dashboard\.js\?v=[0-9a-f]{16})"/.exec(page.body)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    const stylesheet = await send(`${server!.origin}${css}`);
    expect(stylesheet.status).toBe(200);
    expect(stylesheet.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(stylesheet.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(stylesheet.body).toContain(".status-failed");
    const script = await send(`${server!.origin}${js}`);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.body).toContain("x-elarion-fragment");
    const revalidated = await send(`${server!.origin}${js}`, {
      headers: { "If-None-Match": script.headers["etag"] as string },
    });
    expect(revalidated.status).toBe(304);
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    // Nothing on the page points at another origin.
    expect(
      [...page.body.matchAll(/(?:href|src|action)="([^"]*)"/g)]
        .map((match) => match[1])
        .filter((url) => !url!.startsWith("/ops") && url !== "data:,"),
    ).toEqual([]);
  });

  it("its assets stay small: under 16 kB together (9.6 kB of CSS and 3.0 kB of JavaScript when this was written)", async () => {
    const base = await serve(await startTestScheduler());
    const page = await send(`${base}/`);
    const sizes = await Promise.all(
      [...page.body.matchAll(/(?:href|src)="(\/ops\/assets\/[^"]+)"/g)].map(
        async (match) =>
          (await send(`${server!.origin}${match[1]!.replaceAll("&amp;", "&")}`)).body.length,
      ),
    );
    expect(sizes).toHaveLength(2);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThan(16_000);
  });

  it("a path outside its base path goes to next(), or is a 404 without one; a page it does not have is its own 404", async () => {
    const test = await startTestScheduler();
    const dashboard = createDashboard({ scheduler: test.scheduler, basePath: "/ops" });
    server = await listen(
      (request, response) =>
        void dashboard(request, response, () => {
          response.writeHead(418);
          response.end("next");
        }),
    );
    expect((await send(`${server.origin}/elsewhere`)).status).toBe(418);
    expect((await send(`${server.origin}/opsx`)).status).toBe(418);
    const missing = await send(`${server.origin}/ops/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain("The dashboard has no page at /nothing-here");
  });
});
