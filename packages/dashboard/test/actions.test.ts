import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboard, type DashboardAction, type DashboardOptions } from "../src/index.js";
import { listen, sameOrigin, send, type TestServer } from "./support/http-client.js";
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

async function serve(
  test: TestScheduler,
  options: Omit<DashboardOptions, "scheduler"> = { authorize: () => true },
): Promise<string> {
  const dashboard = createDashboard({ scheduler: test.scheduler, basePath: "/ops", ...options });
  server = await listen((request, response) => void dashboard(request, response));
  return server.origin;
}

function post(origin: string, path: string, headers: Record<string, string> = sameOrigin(origin)) {
  return send(`${origin}/ops${path}`, { method: "POST", headers });
}

async function failedEmail(test: TestScheduler): Promise<string> {
  test.mailbox.failNext.add("b@example.com");
  const handle = await test.scheduler.enqueue(JobClasses.SendEmailJob, {
    to: "b@example.com",
    failWith: "smtp down",
  });
  await test.clock.advance(0);
  await test.scheduler.whenIdle();
  expect((await test.scheduler.getJob(handle.jobId))?.status).toBe("failed");
  return handle.jobId;
}

describe("actions", () => {
  it("retry: a failed job runs again and succeeds; the answer redirects back with a notice", async () => {
    const test = await startTestScheduler();
    const jobId = await failedEmail(test);
    const origin = await serve(test);

    const answer = await post(
      origin,
      `/jobs/${jobId}/retry?return=${encodeURIComponent("/jobs?status=failed")}`,
    );

    expect(answer.status).toBe(303);
    expect(answer.headers["location"]).toBe(
      `/ops/jobs?status=failed&notice=job-retried&subject=${jobId}`,
    );
    await test.clock.advance(0);
    await test.scheduler.whenIdle();
    expect((await test.scheduler.getJob(jobId))?.status).toBe("succeeded");
    expect(test.mailbox.sent).toEqual(["b@example.com"]);
    const shown = await send(`${origin}${answer.headers["location"]}`);
    expect(shown.body).toContain(`Queued a new run of job <strong>${jobId}</strong>.`);
  });

  it("retry of a job that is not failed or cancelled is refused with 409 and says why", async () => {
    const test = await startTestScheduler();
    const handle = await test.scheduler.enqueue(JobClasses.SendEmailJob, { to: "a@example.com" });
    await test.clock.advance(0);
    const origin = await serve(test);
    const answer = await post(origin, `/jobs/${handle.jobId}/retry`);
    expect(answer.status).toBe(409);
    expect(answer.body).toContain("only a failed or cancelled job can");
  });

  it("cancel job: a queued job ends cancelled; cancel run: a running run is aborted", async () => {
    const test = await startTestScheduler();
    const queued = await test.scheduler.schedule(
      JobClasses.SendEmailJob,
      { to: "later@example.com" },
      test.clock.now() + 3_600_000,
    );
    const running = await test.scheduler.enqueue(JobClasses.BuildExportJob, { dataset: "orders" });
    await test.clock.advance(0);
    expect((await test.scheduler.getJob(running.jobId))?.status).toBe("running");
    const origin = await serve(test);

    const cancelJob = await post(origin, `/jobs/${queued.jobId}/cancel`);
    expect(cancelJob.status).toBe(303);
    expect(cancelJob.headers["location"]).toBe(
      `/ops/jobs/${queued.jobId}?notice=job-cancelled&subject=${queued.jobId}`,
    );
    expect((await test.scheduler.getJob(queued.jobId))?.status).toBe("cancelled");

    const cancelRun = await post(origin, `/runs/${running.runId}/cancel?return=/`);
    expect(cancelRun.status).toBe(303);
    expect(cancelRun.headers["location"]).toBe(
      `/ops/?notice=run-cancelled&subject=${running.runId}`,
    );
    await test.scheduler.whenIdle();
    expect((await test.scheduler.getJob(running.jobId))?.status).toBe("cancelled");

    const again = await post(origin, `/jobs/${queued.jobId}/cancel`);
    expect(again.headers["location"]).toContain("notice=job-not-cancelled");
  });

  it('pause and resume: a paused recurring job records its slot skipped / "paused"; resumed, it runs again', async () => {
    const test = await startTestScheduler();
    const origin = await serve(test);

    expect((await post(origin, "/job-names/reports.build/pause")).status).toBe(303);
    expect(
      (await test.scheduler.snapshot()).jobs.find((job) => job.name === "reports.build")?.paused,
    ).toBe(true);
    await test.clock.advance(60_000);
    await test.scheduler.whenIdle();
    expect(test.mailbox.reportsBuilt).toBe(0);
    const overview = await send(`${origin}/ops/`);
    expect(overview.body).toMatch(/data-job-name="reports\.build" class="paused"/);
    expect(overview.body).toMatch(
      /<span class="status status-skipped">skipped<\/span> <span class="message" title="paused">paused<\/span>/,
    );
    expect(overview.body).toContain('data-action="resume-job"');

    expect((await post(origin, "/job-names/reports.build/resume")).status).toBe(303);
    await test.clock.advance(60_000);
    await test.scheduler.whenIdle();
    expect(test.mailbox.reportsBuilt).toBe(1);
  });

  it("trigger: a recurring job runs now, off its grid; a runtime-only job cannot be triggered and the page says why (422)", async () => {
    const test = await startTestScheduler();
    const origin = await serve(test);
    const answer = await post(origin, "/job-names/reports.build/trigger");
    expect(answer.status).toBe(303);
    expect(answer.headers["location"]).toBe("/ops/?notice=job-triggered&subject=reports.build");
    await test.clock.advance(0);
    await test.scheduler.whenIdle();
    expect(test.mailbox.reportsBuilt).toBe(1);

    const refused = await post(origin, "/job-names/emails.send/trigger");
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("has no schedule");
    const unknown = await post(origin, "/job-names/nope/pause");
    expect(unknown.status).toBe(422);
    expect(unknown.body).toContain("unknown job name &quot;nope&quot;");
  });

  it("a return path that leaves the dashboard is ignored (no open redirect)", async () => {
    const test = await startTestScheduler();
    const origin = await serve(test);
    for (const target of ["//evil.example/x", "/\\evil.example", "https://evil.example/", "evil"]) {
      const answer = await post(
        origin,
        `/job-names/reports.build/pause?return=${encodeURIComponent(target)}`,
      );
      expect(answer.headers["location"]).toBe("/ops/?notice=job-paused&subject=reports.build");
    }
  });
});

describe("who may act", () => {
  it("without authorize the dashboard is read-only: no buttons, and every action POST is refused (403) without touching the scheduler", async () => {
    const test = await startTestScheduler();
    const jobId = await failedEmail(test);
    const origin = await serve(test, {});
    const page = await send(`${origin}/ops/jobs/${jobId}`);
    expect(page.body).not.toContain('<form class="action"');
    const answer = await post(origin, `/jobs/${jobId}/retry`);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("read-only");
    expect((await test.scheduler.getJob(jobId))?.status).toBe("failed");
  });

  it("readOnly: false without authorize is the explicit opt-in: anyone who reaches it may act", async () => {
    const test = await startTestScheduler();
    const jobId = await failedEmail(test);
    const origin = await serve(test, { readOnly: false });
    expect((await send(`${origin}/ops/jobs/${jobId}`)).body).toContain('data-action="retry-job"');
    expect((await post(origin, `/jobs/${jobId}/retry`)).status).toBe(303);
  });

  it("readOnly: true wins over authorize", async () => {
    const test = await startTestScheduler();
    const origin = await serve(test, { authorize: () => true, readOnly: true });
    expect((await post(origin, "/job-names/reports.build/pause")).status).toBe(403);
    expect(
      (await test.scheduler.snapshot()).jobs.find((job) => job.name === "reports.build")?.paused,
    ).toBe(false);
  });

  it("authorize sees the request and the action; only true (not a truthy value) lets it through; a throw is a 500 that says so", async () => {
    const test = await startTestScheduler();
    const jobId = await failedEmail(test);
    const asked: DashboardAction[] = [];
    const origin = await serve(test, {
      authorize: (request: IncomingMessage, action) => {
        asked.push(action);
        if (request.headers["x-user"] === "broken") throw new Error("directory unreachable");
        if (request.headers["x-user"] === "truthy") return "yes" as unknown as boolean;
        return request.headers["x-user"] === "operator";
      },
    });
    const nobody = await post(origin, `/jobs/${jobId}/retry`);
    expect(nobody.status).toBe(403);
    expect(nobody.body).toContain(`You are not allowed to retry job ${jobId}`);
    expect(
      (await post(origin, `/jobs/${jobId}/retry`, { ...sameOrigin(origin), "X-User": "truthy" }))
        .status,
    ).toBe(403);
    const broken = await post(origin, `/jobs/${jobId}/retry`, {
      ...sameOrigin(origin),
      "X-User": "broken",
    });
    expect(broken.status).toBe(500);
    expect(broken.body).toContain("authorize threw: directory unreachable");
    expect((await test.scheduler.getJob(jobId))?.status).toBe("failed");
    expect(
      (await post(origin, `/jobs/${jobId}/retry`, { ...sameOrigin(origin), "X-User": "operator" }))
        .status,
    ).toBe(303);
    expect(asked).toEqual(Array.from({ length: 4 }, () => ({ kind: "retry-job", jobId })));
  });

  it("a POST from another site, or one that says nothing about where it comes from, is refused before authorize is asked", async () => {
    const test = await startTestScheduler();
    let asked = 0;
    const origin = await serve(test, { authorize: () => (asked++, true) });
    const refusals = [
      { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
      { "Sec-Fetch-Site": "same-site", Origin: origin },
      { Origin: "https://evil.example" },
      { Origin: "null" },
      {},
    ];
    for (const headers of refusals) {
      const answer = await post(origin, "/job-names/reports.build/pause", headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).toContain("Refused: not from this dashboard");
    }
    expect(asked).toBe(0);
    expect(
      (await test.scheduler.snapshot()).jobs.find((job) => job.name === "reports.build")?.paused,
    ).toBe(false);
    // An older browser without Sec-Fetch-Site passes with an Origin naming this server.
    expect((await post(origin, "/job-names/reports.build/pause", { Origin: origin })).status).toBe(
      303,
    );
    expect(asked).toBe(1);
  });

  it("a GET never acts: the action paths are not pages", async () => {
    const test = await startTestScheduler();
    const origin = await serve(test);
    expect((await send(`${origin}/ops/job-names/reports.build/pause`)).status).toBe(404);
    expect(
      (await test.scheduler.snapshot()).jobs.find((job) => job.name === "reports.build")?.paused,
    ).toBe(false);
  });
});
