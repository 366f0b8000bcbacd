import type { SchedulerSnapshot } from "@elarion/runtime";

/** Renders a snapshot as a few aligned lines a person can read. */
export function formatSnapshot(snapshot: SchedulerSnapshot): string {
  const time = (date: Date | null): string =>
    date === null ? "-" : date.toISOString().slice(11, 23);
  const lines = [`snapshot at ${time(snapshot.capturedAt)} UTC`, "  jobs:"];
  for (const job of snapshot.jobs) {
    lines.push(
      `    ${job.name.padEnd(14)} schedule ${String(job.scheduleKind ?? "runtime").padEnd(8)} overlap ${job.overlap.padEnd(6)} next due ${time(job.nextDueTime)}`,
    );
  }
  lines.push(
    `  queued runs: ${snapshot.queuedRuns.length}, active runs: ${snapshot.activeRuns.length}`,
  );
  for (const run of snapshot.queuedRuns)
    lines.push(`    queued  ${run.jobName} due ${time(run.dueTime)} (run ${run.runId})`);
  for (const run of snapshot.activeRuns)
    lines.push(`    running ${run.jobName} since ${time(run.startedAt)} (run ${run.runId})`);
  lines.push("  latest outcome per job:");
  for (const outcome of snapshot.recentOutcomes) {
    const message = outcome.message === null ? "" : ` — ${outcome.message}`;
    lines.push(
      `    ${outcome.jobName.padEnd(14)} ${outcome.status.padEnd(9)} at ${time(outcome.completedAt)}${message}`,
    );
  }
  return lines.join("\n");
}
