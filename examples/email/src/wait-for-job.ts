import type { JobScheduler, JobState, JobStatus } from "@elarion/runtime";

/**
 * Resolves with the job's state once it reaches one of `statuses`. An app would usually learn this
 * from its own side effects; the example polls `getJob` because that is the API it demonstrates.
 */
export async function waitForJob(
  scheduler: JobScheduler,
  jobId: string,
  statuses: readonly JobStatus[],
  timeoutMs = 10_000,
): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await scheduler.getJob(jobId);
    if (state !== null && statuses.includes(state.status)) return state;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobId} did not reach ${statuses.join(" or ")} within ${timeoutMs} ms (last status: ${state?.status ?? "unknown"})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
