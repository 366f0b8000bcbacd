import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../src/index.js";
import { listen, send, type TestServer } from "./support/http-client.js";
import { JobClasses, startTestScheduler, stopTestSchedulers } from "./support/test-scheduler.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await stopTestSchedulers();
});

/**
 * The attribute names of every tag of a page, parsed strictly: each attribute is `name` or
 * `name="value"` (the dashboard's own style). A tag that does not parse this way fails the test.
 */
function attributeNames(page: string): string[] {
  const names: string[] = [];
  for (const [tag, , attributes = ""] of page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const attribute = /\s+([^\s="'<>/]+)(?:="([^"]*)")?/y;
    let at = 0;
    while (at < attributes.trimEnd().length) {
      attribute.lastIndex = at;
      const match = attribute.exec(attributes);
      if (match === null) throw new Error(`a tag that does not parse: ${tag}`);
      names.push(match[1]!.toLowerCase());
      at = attribute.lastIndex;
    }
  }
  return names;
}

const SCRIPT = "<script>alert('payload')</script>";
const HTML_ERROR = `<img src=x onerror="alert('error')"><b>SMTP 550</b>`;
const QUOTES = `"><svg onload=alert('correlation')>`;

describe("everything the scheduler hands the dashboard is shown as text, never as markup", () => {
  it("a payload with <script>, an error message with HTML and a correlation id that breaks out of attributes, on every page that shows them", async () => {
    const { scheduler, clock, mailbox } = await startTestScheduler();
    mailbox.failNext.add(SCRIPT);
    const handle = await scheduler.enqueue(
      JobClasses.SendEmailJob,
      { to: SCRIPT, subject: SCRIPT, failWith: HTML_ERROR },
      { correlationId: QUOTES },
    );
    await clock.advance(0);
    await scheduler.whenIdle();
    const dashboard = createDashboard({ scheduler, authorize: () => true });
    server = await listen((request, response) => void dashboard(request, response));

    const pages = await Promise.all(
      [
        `/jobs/${handle.jobId}`,
        "/jobs?status=failed",
        "/",
        `/jobs?correlationId=${encodeURIComponent(QUOTES)}`,
      ].map((path) => send(`${server!.origin}${path}`)),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      // Not one tag of the user's data survives as a tag: only the dashboard's own script element exists.
      expect(page.body).not.toContain("<script>alert");
      expect(page.body).not.toContain("<img src=x");
      expect(page.body).not.toContain("<svg");
      expect([...page.body.matchAll(/<script\b/g)]).toHaveLength(1);
      // No real tag carries an event handler (the words may appear as escaped text and inside values).
      expect(attributeNames(page.body).filter((name) => name.startsWith("on"))).toEqual([]);
    }
    const [job, failed, overview, byCorrelation] = pages as [
      (typeof pages)[0],
      (typeof pages)[0],
      (typeof pages)[0],
      (typeof pages)[0],
    ];
    expect(job.body).toContain("&lt;script&gt;alert(&#39;payload&#39;)&lt;/script&gt;");
    expect(job.body).toContain(
      '<pre class="error-text">&lt;img src=x onerror=&quot;alert(&#39;error&#39;)&quot;&gt;&lt;b&gt;SMTP 550&lt;/b&gt;</pre>',
    );
    expect(job.body).toContain(
      "<code>&quot;&gt;&lt;svg onload=alert(&#39;correlation&#39;)&gt;</code>",
    );
    expect(failed.body).toContain(
      'title="&lt;img src=x onerror=&quot;alert(&#39;error&#39;)&quot;&gt;&lt;b&gt;SMTP 550&lt;/b&gt;"',
    );
    expect(overview.body).toContain("&lt;img src=x onerror=");
    // The filter form echoes the correlation id back inside value="...": still one attribute.
    expect(byCorrelation.body).toContain(
      'value="&quot;&gt;&lt;svg onload=alert(&#39;correlation&#39;)&gt;"',
    );
  });

  it("the JSON endpoints carry the same strings unchanged, as JSON (a client renders them; the content type says it is not HTML)", async () => {
    const { scheduler, clock } = await startTestScheduler();
    const handle = await scheduler.enqueue(JobClasses.SendEmailJob, { to: SCRIPT });
    await clock.advance(0);
    const dashboard = createDashboard({ scheduler });
    server = await listen((request, response) => void dashboard(request, response));
    const answer = await send(`${server.origin}/api/jobs/${handle.jobId}`);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(
      (JSON.parse(answer.body) as { payload: { value: { to: string } } }).payload.value.to,
    ).toBe(SCRIPT);
  });

  it("a notice after an action echoes only its subject, escaped, and only for notice codes the dashboard has", async () => {
    const { scheduler } = await startTestScheduler();
    const dashboard = createDashboard({ scheduler });
    server = await listen((request, response) => void dashboard(request, response));
    const crafted = await send(
      `${server.origin}/?notice=job-paused&subject=${encodeURIComponent(SCRIPT)}`,
    );
    expect(crafted.body).toContain(
      "Paused <strong>&lt;script&gt;alert(&#39;payload&#39;)&lt;/script&gt;</strong>",
    );
    const unknownCode = await send(
      `${server.origin}/?notice=${encodeURIComponent("Your session expired")}&subject=x`,
    );
    expect(unknownCode.body).not.toContain("session expired");
    expect(unknownCode.body).not.toContain('class="notice');
  });
});
