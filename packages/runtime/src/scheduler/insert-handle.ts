import type { KeyHolder } from "../stores/job-store.js";
import type { JobRunHandle } from "./job-scheduler.js";
import type { RuntimeJobRequest } from "./runtime-job-request.js";

/** The handle of an insert: the new job's, or (a key matched) the pending job's that holds the key. */
export function handleOf(request: RuntimeJobRequest, holder: KeyHolder | undefined): JobRunHandle {
  if (holder !== undefined) {
    return {
      jobId: holder.jobId,
      runId: holder.runId,
      jobName: request.jobName,
      dueTime: new Date(holder.dueTimeMs),
      attempt: holder.attempt,
      maxAttempts: holder.maxAttempts,
      deduplicated: true,
    };
  }
  const { jobId, runId, jobName, dueTimeMs, maxAttempts } = request;
  if (request.key === null)
    return { jobId, runId, jobName, dueTime: new Date(dueTimeMs), attempt: 1, maxAttempts };
  return {
    jobId,
    runId,
    jobName,
    dueTime: new Date(dueTimeMs),
    attempt: 1,
    maxAttempts,
    deduplicated: false,
  };
}
