import { afterEach, describe, expect, it } from "vitest";
import { createDashboard, type DashboardOptions } from "../src/index.js";
import { startTestScheduler, stopTestSchedulers } from "./support/test-scheduler.js";

afterEach(stopTestSchedulers);

describe("createDashboard's options", () => {
  it("rejects what cannot work, naming the option and what to pass", async () => {
    const { scheduler } = await startTestScheduler();
    const cases: [unknown, RegExp][] = [
      [undefined, /createDashboard: expected options like \{ scheduler \}/],
      [
        {},
        /createDashboard: scheduler must be what createScheduler returned \(missing snapshot, getJob/,
      ],
      [{ scheduler: { snapshot() {} } }, /missing getJob, listJobs/],
      [
        { scheduler, basePath: "dashboard" },
        /basePath must be a URL path like "\/dashboard".*got "dashboard"/,
      ],
      [{ scheduler, basePath: "/a?b" }, /basePath must be a URL path/],
      [{ scheduler, authorize: true }, /authorize must be a function \(request, action\)/],
      [{ scheduler, readOnly: "no" }, /readOnly must be true or false, got "no"/],
      [
        { scheduler, refreshIntervalMs: 10 },
        /refreshIntervalMs must be 0 \(off\) or a whole number of milliseconds from 250/,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => createDashboard(options as DashboardOptions), String(message)).toThrow(message);
    }
  });

  it("accepts a base path with a trailing slash, and refreshIntervalMs 0 (off)", async () => {
    const { scheduler } = await startTestScheduler();
    expect(typeof createDashboard({ scheduler, basePath: "/ops/", refreshIntervalMs: 0 })).toBe(
      "function",
    );
  });
});
