import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/index.js";
import { sameOrigin, send } from "../support/http-client.js";
import { startTestScheduler, stopTestSchedulers } from "../support/test-scheduler.js";

afterEach(stopTestSchedulers);

describe("mounted in Fastify", () => {
  it("two routes that hand the raw request over (reply.hijack()) serve pages and take a form POST; other routes are unaffected", async () => {
    const { scheduler, clock } = await startTestScheduler();
    const app = Fastify();
    const dashboard = createDashboard({ scheduler, basePath: "/dashboard", authorize: () => true });
    const mount = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      reply.hijack();
      await dashboard(request.raw, reply.raw);
    };
    app.all("/dashboard", mount);
    app.all("/dashboard/*", mount);
    app.get("/health", async () => "ok");
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const origin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    try {
      const overview = await send(`${origin}/dashboard`);
      expect(overview.status).toBe(200);
      expect(overview.body).toContain('href="/dashboard/jobs"');
      const handle = await scheduler.schedule(
        "emails.send",
        { to: "later@example.com" },
        clock.now() + 3_600_000,
      );
      const job = await send(`${origin}/dashboard/jobs/${handle.jobId}`);
      expect(job.body).toContain('enctype="text/plain"');

      const cancel = await send(`${origin}/dashboard/jobs/${handle.jobId}/cancel`, {
        method: "POST",
        headers: { ...sameOrigin(origin), "Content-Type": "text/plain", "Content-Length": "0" },
      });
      expect(cancel.status).toBe(303);
      expect((await scheduler.getJob(handle.jobId))?.status).toBe("cancelled");
      expect((await send(`${origin}/health`)).body).toBe("ok");
    } finally {
      await app.close();
    }
  });
});
