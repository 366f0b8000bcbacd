import type { JobScheduler, JobState, JobStatus } from "@elarion/runtime";
import { isJobStatus } from "./statuses.js";

/** The jobs page's filter, read from its query string (`status`, `name`, `correlationId`, `cursor`, `limit`). */
export interface JobFilter {
  /** Any of these; empty for every status. */
  readonly statuses: readonly JobStatus[];
  readonly jobName: string | null;
  readonly correlationId: string | null;
  readonly cursor: string | null;
  readonly limit: number;
}

export const DEFAULT_PAGE_SIZE = 50;
/** The scheduler's own bound on `listJobs({ limit })`. */
export const MAX_PAGE_SIZE = 1000;

/** The filter a query string asks for, or why it cannot be read (answered with 400). */
export function parseJobFilter(query: URLSearchParams): JobFilter | { readonly error: string } {
  const statuses: JobStatus[] = [];
  for (const value of query.getAll("status").flatMap((entry) => entry.split(","))) {
    if (value === "") continue;
    if (!isJobStatus(value))
      return {
        error: `status "${value}" is not a job status; use one of queued, running, waiting-retry, succeeded, failed, cancelled, skipped`,
      };
    if (!statuses.includes(value)) statuses.push(value);
  }
  const limitText = query.get("limit");
  const limit = limitText === null || limitText === "" ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    return { error: `limit "${limitText}" must be a whole number from 1 to ${MAX_PAGE_SIZE}` };
  return {
    statuses,
    jobName: nonEmpty(query.get("name")),
    correlationId: nonEmpty(query.get("correlationId")),
    cursor: nonEmpty(query.get("cursor")),
    limit,
  };
}

function nonEmpty(value: string | null): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/** The jobs page and `GET <base>/api/jobs`. */
export interface JobList {
  readonly capturedAt: Date;
  readonly filter: JobFilter;
  readonly jobs: readonly JobState[];
  /** The next page's cursor (`?cursor=`), `null` on the last page. */
  readonly nextCursor: string | null;
  /** Registered job names, for the filter's choices. */
  readonly jobNames: readonly string[];
}

/**
 * One page of `listJobs`, newest first. `jobNames` are the registered names (they do not change
 * while the process runs, so the caller reads them once instead of a snapshot per page).
 */
export async function loadJobList(
  scheduler: JobScheduler,
  filter: JobFilter,
  jobNames: readonly string[],
  now: Date,
): Promise<JobList> {
  const page = await scheduler.listJobs({
    ...(filter.statuses.length > 0 ? { status: filter.statuses } : {}),
    ...(filter.jobName === null ? {} : { jobName: filter.jobName }),
    ...(filter.correlationId === null ? {} : { correlationId: filter.correlationId }),
    cursor: filter.cursor,
    limit: filter.limit,
  });
  return { capturedAt: now, filter, jobs: page.jobs, nextCursor: page.nextCursor, jobNames };
}
