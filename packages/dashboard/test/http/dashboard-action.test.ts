import { describe, expect, it } from "vitest";
import {
  actionPath,
  parseAction,
  returnPathOf,
  type DashboardAction,
} from "../../src/http/dashboard-action.js";
import { pathSegments } from "../../src/http/dashboard-request.js";

describe("action paths", () => {
  it.each<DashboardAction>([
    { kind: "cancel-job", jobId: "0193-a" },
    { kind: "retry-job", jobId: "0193-b" },
    { kind: "cancel-run", runId: "0193-c" },
    { kind: "pause-job", jobName: "emails/send?x#y" },
    { kind: "resume-job", jobName: "reports.nightly" },
    { kind: "trigger-job", jobName: "a b" },
  ])("%j survives its path", (action) => {
    expect(parseAction(pathSegments(actionPath(action))!)).toEqual(action);
  });

  it("anything else is not an action", () => {
    for (const path of [
      "/jobs/x",
      "/jobs/x/delete",
      "/runs/x/retry",
      "/job-names//pause",
      "/jobs/x/retry/more",
    ]) {
      expect(parseAction(pathSegments(path)!)).toBeNull();
    }
  });

  it("returns only to a path inside the dashboard", () => {
    const returnOf = (value: string) =>
      returnPathOf(new URLSearchParams({ return: value }), "/fallback");
    expect(returnOf("/jobs?status=failed")).toBe("/jobs?status=failed");
    expect(returnOf("//evil.example")).toBe("/fallback");
    expect(returnOf("/\\evil.example")).toBe("/fallback");
    expect(returnOf("https://evil.example")).toBe("/fallback");
    expect(returnOf("/jobs\n/x")).toBe("/fallback");
    expect(returnPathOf(new URLSearchParams(), "/fallback")).toBe("/fallback");
  });
});
