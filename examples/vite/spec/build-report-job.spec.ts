// Run by Vitest with vite.config.ts, so the Elarion plugin has generated the registry first.
import { createScheduler } from "@elarion/runtime";
import { ManualClock } from "@elarion/runtime/testing";
import { afterEach, expect, it } from "vitest";
import { jobRegistry } from "../src/jobs.generated.js";
import { BuildReportJob } from "../src/jobs/build-report-job.js";
import { MemoryReportSink } from "../src/report-sink.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

it("runs reports.build at its due time from the generated registry", async () => {
  const clock = new ManualClock(new Date("2026-01-01T00:00:00Z"));
  const sink = new MemoryReportSink();
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { ReportSink: sink },
    clock,
  });
  await scheduler.start();
  stops.push(() => scheduler.stop());

  const handle = await scheduler.schedule(
    BuildReportJob,
    { title: "daily", values: [1, 2, 3] },
    clock.now() + 60_000,
  );
  await clock.advance(59_999);
  expect(sink.delivered).toEqual([]);
  await clock.advance(1);

  expect((await scheduler.getJob(handle.jobId))?.status).toBe("succeeded");
  expect(sink.delivered).toEqual([
    { title: "daily", lines: ["3 values, total 6", `run ${handle.runId}`] },
  ]);
});
