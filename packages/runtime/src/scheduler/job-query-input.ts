import { coded } from "../core/runtime-errors.js";
import { decodeJobCursor } from "../state/job-cursor.js";
import type { CountJobsQuery, ListJobsQuery } from "../state/job-query.js";
import type { JobStatus } from "../state/job-state.js";
import { JOB_STATUSES } from "../state/vocabulary.js";
import type { JobListing } from "../stores/job-store.js";

/** `listJobs` returns this many jobs per page unless the query says otherwise. */
export const DEFAULT_LIST_LIMIT = 100;
/** The largest page `listJobs` returns. */
export const MAX_LIST_LIMIT = 1000;

const STATUS_LIST = JOB_STATUSES.map((status) => `"${status}"`).join(", ");

/** A validated `listJobs` query: the store's listing (one job more than the page, to know if another follows). */
export interface ParsedListJobsQuery {
  readonly listing: JobListing;
  readonly pageSize: number;
}

/** Validates a `listJobs` query; every mistake is a clear error (ELR310, ELR311). */
export function parseListJobsQuery(query: ListJobsQuery | undefined): ParsedListJobsQuery {
  if (query === undefined || query === null) {
    return {
      pageSize: DEFAULT_LIST_LIMIT,
      listing: {
        statuses: null,
        jobName: null,
        correlationId: null,
        key: null,
        after: null,
        limit: DEFAULT_LIST_LIMIT + 1,
      },
    };
  }
  if (typeof query !== "object") {
    throw coded(
      new TypeError(
        `listJobs: expected a query object like { status: "failed", limit: 100 }, got ${typeof query}.`,
      ),
      "ELR310",
    );
  }
  const pageSize = parseLimit(query.limit);
  let after = null;
  if (query.cursor !== undefined && query.cursor !== null) {
    after = typeof query.cursor === "string" ? decodeJobCursor(query.cursor) : null;
    if (after === null) {
      throw coded(
        new TypeError(
          "listJobs: cursor is not a cursor listJobs returned; pass page.nextCursor unchanged, or null for the first page.",
        ),
        "ELR310",
      );
    }
  }
  return {
    pageSize,
    listing: {
      statuses: parseStatuses(query.status),
      jobName: optionalString(query.jobName, "listJobs", "jobName"),
      correlationId: optionalString(query.correlationId, "listJobs", "correlationId"),
      key: optionalString(query.key, "listJobs", "key"),
      after,
      limit: pageSize + 1,
    },
  };
}

/** Validates a `countJobs` query: the job name to count, or `null` for every job. */
export function parseCountJobsQuery(query: CountJobsQuery | undefined): string | null {
  if (query === undefined || query === null) return null;
  if (typeof query !== "object") {
    throw coded(
      new TypeError(
        `countJobs: expected a query object like { jobName: "emails.send" }, got ${typeof query}.`,
      ),
      "ELR310",
    );
  }
  return optionalString(query.jobName, "countJobs", "jobName");
}

function parseLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (
    typeof limit !== "number" ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_LIST_LIMIT
  ) {
    throw coded(
      new RangeError(
        `listJobs: limit ${typeof limit === "number" ? String(limit) : typeof limit} is out of range; pass a whole number from 1 to ${MAX_LIST_LIMIT} ` +
          `(default ${DEFAULT_LIST_LIMIT}) and page on with nextCursor.`,
      ),
      "ELR311",
    );
  }
  return limit;
}

function parseStatuses(status: unknown): readonly JobStatus[] | null {
  if (status === undefined) return null;
  const statuses: readonly unknown[] = Array.isArray(status) ? status : [status];
  if (statuses.length === 0) {
    throw coded(
      new TypeError(
        `listJobs: status is an empty array, which matches nothing; omit status to list every status, or name some of ${STATUS_LIST}.`,
      ),
      "ELR310",
    );
  }
  for (const value of statuses) {
    if (!(JOB_STATUSES as readonly unknown[]).includes(value)) {
      throw coded(
        new TypeError(
          `listJobs: unknown status ${JSON.stringify(value) ?? String(value)}; use one or several of ${STATUS_LIST}.`,
        ),
        "ELR310",
      );
    }
  }
  return [...new Set(statuses as JobStatus[])];
}

function optionalString(value: unknown, operation: string, field: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string")
    throw coded(
      new TypeError(
        `${operation}: ${field} must be a string, got ${value === null ? "null" : typeof value}.`,
      ),
      "ELR310",
    );
  return value;
}
