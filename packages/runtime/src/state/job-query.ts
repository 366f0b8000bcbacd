import type { JobState, JobStatus } from "./job-state.js";

/**
 * Which runtime jobs `listJobs` returns. Filters combine with AND; `status` may name several
 * statuses (any of them). Results are newest first (by creation), paged by an opaque cursor.
 *
 * @example
 * ```ts
 * let cursor: string | null = null;
 * do {
 *   const page = await scheduler.listJobs({ status: "failed", jobName: "emails.send", limit: 100, cursor });
 *   for (const job of page.jobs) console.log(job.jobId, job.lastError);
 *   cursor = page.nextCursor;
 * } while (cursor !== null);
 * ```
 */
export interface ListJobsQuery {
  status?: JobStatus | readonly JobStatus[];
  jobName?: string;
  correlationId?: string;
  /** The enqueue-once key (`ScheduleOptions.key`). */
  key?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** `nextCursor` of the previous page; `null`/absent for the first page. */
  cursor?: string | null;
}

/** One page of `listJobs`. */
export interface JobPage {
  jobs: JobState[];
  /** Pass it as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** Which jobs `countJobs` counts. */
export interface CountJobsQuery {
  jobName?: string;
}

/** How many retained runtime jobs are in each status (every status present, zero included). */
export type JobCounts = Record<JobStatus, number>;
