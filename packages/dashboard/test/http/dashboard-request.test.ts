import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { pathSegments, resolveDashboardRequest } from "../../src/http/dashboard-request.js";

function request(
  url: string,
  mounted: { originalUrl?: string; baseUrl?: string } = {},
  method = "GET",
): IncomingMessage {
  const incoming = new IncomingMessage(new Socket());
  incoming.url = url;
  incoming.method = method;
  return Object.assign(incoming, mounted);
}

describe("where a request lands inside the dashboard", () => {
  it("node:http and Fastify pass the full URL: the base path is cut off, the query kept", () => {
    expect(resolveDashboardRequest(request("/ops/jobs?status=failed"), "/ops")).toMatchObject({
      path: "/jobs",
      basePath: "/ops",
      method: "GET",
    });
    expect(
      resolveDashboardRequest(request("/ops/jobs?status=failed"), "/ops")?.query.get("status"),
    ).toBe("failed");
    expect(resolveDashboardRequest(request("/ops"), "/ops")?.path).toBe("/");
    expect(resolveDashboardRequest(request("/ops/"), "/ops")?.path).toBe("/");
    expect(resolveDashboardRequest(request("/jobs"), undefined)).toMatchObject({
      path: "/jobs",
      basePath: "",
    });
  });

  it("a URL outside the base path (or merely starting with the same letters) is not the dashboard's", () => {
    expect(resolveDashboardRequest(request("/other"), "/ops")).toBeNull();
    expect(resolveDashboardRequest(request("/opsx/jobs"), "/ops")).toBeNull();
  });

  it("Express's app.use(path) strips req.url: the full URL is req.originalUrl and the mount path req.baseUrl, the default base path", () => {
    const mounted = request("/jobs/abc", {
      originalUrl: "/admin/jobs/jobs/abc",
      baseUrl: "/admin/jobs",
    });
    expect(resolveDashboardRequest(mounted, undefined)).toMatchObject({
      path: "/jobs/abc",
      basePath: "/admin/jobs",
    });
  });

  it("a protocol-relative request target is a path, never a host", () => {
    expect(resolveDashboardRequest(request("//evil.example/jobs"), undefined)?.path).toBe(
      "//evil.example/jobs",
    );
  });

  it("splits paths into decoded segments, and refuses a malformed escape", () => {
    expect(pathSegments("/job-names/a%2Fb/pause")).toEqual(["job-names", "a/b", "pause"]);
    expect(pathSegments("/jobs/%E0%A4%A")).toBeNull();
  });
});
