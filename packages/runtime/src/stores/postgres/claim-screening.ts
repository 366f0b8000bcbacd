import type { StoreHost } from "../job-store.js";
import type { ClaimedRunRow, RunCompletionRow } from "./queue-rows.js";

/** How a leased row that cannot run here ends instead. */
export type ScreenedOutcome = Omit<RunCompletionRow, "runId" | "claims">;

/**
 * Decides at claim time whether a leased row can run in this process: its job must be registered
 * here and its stored payload must pass the job's generated validator (a row written by another
 * deployment otherwise fails deep inside a job); a run whose cancel was requested ends cancelled.
 */
export function screenClaimedRow(row: ClaimedRunRow, host: Pick<StoreHost, "now" | "findDescriptor">): "run" | ScreenedOutcome {
  const ended = (status: "failed" | "cancelled", message: string): ScreenedOutcome => ({ status, message, startedAtMs: null, completedAtMs: host.now() });
  if (row.cancelRequested) return ended("cancelled", "cancelled");
  const descriptor = host.findDescriptor(row.jobName);
  if (descriptor === undefined) {
    return ended(
      "failed",
      `job "${row.jobName}" (job ${row.jobId}) is not registered in this process; the row was probably written by ` +
        `another deployment. Register the job in this worker's registry, or cancel the job.`,
    );
  }
  const problem = descriptor.validatePayload?.(row.payload ?? undefined) ?? null;
  if (problem !== null) {
    return ended(
      "failed",
      `the stored payload of job "${row.jobName}" (job ${row.jobId}) does not match this deployment's payload type: ${problem}. ` +
        `It was probably written by an older or newer deployment; re-enqueue it with a valid payload.`,
    );
  }
  return "run";
}
