import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/index.js";
import { sameOrigin, send } from "../support/http-client.js";
import { startTestScheduler, stopTestSchedulers } from "../support/test-scheduler.js";

afterEach(stopTestSchedulers);

describe("mounted in node:http", () => {
  it("serves its pages under basePath, takes a form POST as a browser sends it, and hands everything else to the app", async () => {
    const { scheduler } = await startTestScheduler();
    const dashboard = createDashboard({ scheduler, basePath: "/dashboard", readOnly: false });
    const server = createServer((request, response) => {
      void dashboard(request, response, () => {
        response.writeHead(200, { "Content-Type": "text/plain" });
        response.end("the app");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const overview = await send(`${origin}/dashboard`);
      expect(overview.status).toBe(200);
      expect(overview.body).toContain('href="/dashboard/jobs"');
      expect((await send(`${origin}/dashboard/jobs`)).body).toContain("<h1>Jobs</h1>");
      const pause = await send(`${origin}/dashboard/job-names/reports.build/pause`, {
        method: "POST",
        headers: { ...sameOrigin(origin), "Content-Type": "text/plain", "Content-Length": "0" },
      });
      expect(pause.status).toBe(303);
      expect(pause.headers["location"]).toBe("/dashboard/?notice=job-paused&subject=reports.build");
      expect(
        (await scheduler.snapshot()).jobs.find((job) => job.name === "reports.build")?.paused,
      ).toBe(true);
      expect((await send(`${origin}/health`)).body).toBe("the app");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
