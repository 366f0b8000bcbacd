import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/index.js";
import { sameOrigin, send } from "../support/http-client.js";
import { startTestScheduler, stopTestSchedulers } from "../support/test-scheduler.js";

afterEach(stopTestSchedulers);

describe("mounted in Express", () => {
  it("app.use(path, dashboard) needs no basePath: links carry the mount path; its body parsers and later routes are unaffected", async () => {
    const { scheduler } = await startTestScheduler();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(express.text());
    app.use(
      "/admin/jobs",
      createDashboard({
        scheduler,
        authorize: (request) => request.headers["x-operator"] === "yes",
      }),
    );
    app.get("/health", (_request, response) => void response.send("ok"));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const overview = await send(`${origin}/admin/jobs`);
      expect(overview.status).toBe(200);
      expect(overview.body).toContain('href="/admin/jobs/schedules"');
      expect(overview.body).toContain(
        'action="/admin/jobs/job-names/reports.build/trigger?return=%2F"',
      );
      expect((await send(`${origin}/admin/jobs/schedules`)).body).toContain("<h1>Schedules</h1>");

      const headers = {
        ...sameOrigin(origin),
        "Content-Type": "text/plain",
        "Content-Length": "0",
        "X-Operator": "yes",
      };
      const trigger = await send(
        `${origin}/admin/jobs/job-names/reports.build/trigger?return=%2F`,
        { method: "POST", headers },
      );
      expect(trigger.status).toBe(303);
      expect(trigger.headers["location"]).toBe(
        "/admin/jobs/?notice=job-triggered&subject=reports.build",
      );
      const refused = await send(`${origin}/admin/jobs/job-names/reports.build/trigger`, {
        method: "POST",
        headers: { ...headers, "X-Operator": "no" },
      });
      expect(refused.status).toBe(403);
      expect((await send(`${origin}/health`)).body).toBe("ok");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
