import { firstRunIdOfNewestJobId, newJobId } from "../core/ids.js";
import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { NewRuntimeJob, ScheduleOccurrence } from "../stores/job-store.js";

/**
 * A new occurrence of a run-time schedule as a runtime job: one attempt (retries are inline, with
 * the job's own policy, as for recurring jobs), keyed by its schedule's key for `JobState.key` and
 * `listJobs` (an occurrence never holds that key: the schedule arbitrates its chain).
 */
export function occurrenceJob(
  jobName: string,
  payload: unknown,
  dueTimeMs: number,
  occurrence: ScheduleOccurrence,
  policy: ResiliencePolicy | null,
  createdAtMs: number,
): NewRuntimeJob {
  const jobId = newJobId();
  return {
    jobId,
    runId: firstRunIdOfNewestJobId(),
    jobName,
    payload,
    dueTimeMs,
    createdAtMs,
    correlationId: null,
    maxAttempts: 1,
    resilience: policy,
    resilienceMode: "inline",
    key: occurrence.scheduleKey,
    onDuplicate: "keep",
    occurrence,
  };
}
