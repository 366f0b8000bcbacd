import { createScheduler } from "@elarion/runtime";
import { jobRegistry } from "./jobs.generated.js";
import { BuildReportJob } from "./jobs/build-report-job.js";
import { MemoryReportSink } from "./report-sink.js";

const sink = new MemoryReportSink();
const scheduler = createScheduler({ registry: jobRegistry, services: { ReportSink: sink } });
await scheduler.start();
try {
  const handle = await scheduler.enqueue(BuildReportJob, { title: "weekly", values: [3, 4, 5] });
  await scheduler.whenIdle();
  const state = await scheduler.getJob(handle.jobId);
  console.log(
    `example-vite: ${handle.jobName} → ${state?.status ?? "unknown"}; ${sink.delivered[0]?.lines[0] ?? "no report"}`,
  );
  if (state?.status !== "succeeded") process.exitCode = 1;
} finally {
  await scheduler.stop();
}
