import { FirstK } from "../../core/first-k.js";
import { JOB_STATUSES } from "../../state/vocabulary.js";
import { isListedAfter } from "../../state/job-cursor.js";
import type { JobCounts } from "../../state/job-query.js";
import type { JobState } from "../../state/job-state.js";
import type { JobListing } from "../job-store.js";
import type { MemoryJob } from "./memory-job.js";

/**
 * `listJobs` over the memory store's records in insertion order, which is `listJobs` order reversed
 * while the clock never goes back and no job was retried: the page is then the last `limit` matches,
 * kept in a ring. Should an older job follow a newer one, a bounded heap selects the page instead.
 * O(n) (O(n log page) on the heap path), with bounded output — a few milliseconds per million jobs;
 * the hot path keeps no index for it.
 */
export function listJobsOf(
  jobs: () => Iterable<MemoryJob>,
  query: JobListing,
): readonly JobState[] {
  const limit = query.limit;
  const ring: MemoryJob[] = [];
  let matched = 0;
  let previous: MemoryJob | null = null;
  for (const job of jobs()) {
    if (!matches(job, query)) continue;
    if (previous !== null && !isListedAfter(previous, job)) return listOutOfOrder(jobs(), query);
    previous = job;
    ring[matched++ % limit] = job;
  }
  const page: JobState[] = [];
  for (let index = matched - 1; index >= Math.max(0, matched - limit); index--)
    page.push(ring[index % limit]!.toJobState());
  return page;
}

/** `countJobs`: one pass over the records. */
export function countJobsOf(jobs: Iterable<MemoryJob>, jobName: string | null): JobCounts {
  const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as JobCounts;
  for (const job of jobs) {
    if (jobName === null || job.jobName === jobName) counts[job.status]++;
  }
  return counts;
}

function listOutOfOrder(jobs: Iterable<MemoryJob>, query: JobListing): readonly JobState[] {
  const page = new FirstK<MemoryJob>(query.limit, listedFirst);
  for (const job of jobs) if (matches(job, query)) page.offer(job);
  return page.sorted().map((job) => job.toJobState());
}

function matches(job: MemoryJob, query: JobListing): boolean {
  return (
    (query.statuses === null || query.statuses.includes(job.status)) &&
    (query.jobName === null || job.jobName === query.jobName) &&
    (query.correlationId === null || job.correlationId === query.correlationId) &&
    (query.key === null || job.key === query.key) &&
    (query.after === null || isListedAfter(job, query.after))
  );
}

/** `listJobs` order: newest first. */
function listedFirst(a: MemoryJob, b: MemoryJob): boolean {
  return isListedAfter(b, a);
}
