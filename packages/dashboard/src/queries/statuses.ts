import type { JobStatus } from "@elarion/runtime";

/** Every job status in lifecycle order; a `Record` so a status added to the runtime is a type error here. */
const LIFECYCLE_ORDER: Readonly<Record<JobStatus, number>> = {
  queued: 0,
  running: 1,
  "waiting-retry": 2,
  succeeded: 3,
  failed: 4,
  cancelled: 5,
  skipped: 6,
};

export const JOB_STATUSES: readonly JobStatus[] = (
  Object.keys(LIFECYCLE_ORDER) as JobStatus[]
).sort((a, b) => LIFECYCLE_ORDER[a] - LIFECYCLE_ORDER[b]);

export function isJobStatus(value: string): value is JobStatus {
  return Object.hasOwn(LIFECYCLE_ORDER, value);
}

/** `retryJob` takes these (a new run of the same job). */
export function isRetryable(status: JobStatus): boolean {
  return status === "failed" || status === "cancelled";
}

/** `cancelJob` still has something to stop. */
export function isCancellable(status: JobStatus): boolean {
  return status === "queued" || status === "waiting-retry" || status === "running";
}
