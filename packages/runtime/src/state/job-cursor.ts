/**
 * Where a runtime job sits in `listJobs` order: newest first by creation, ties broken by job id
 * (larger first). Both stores sort by exactly this key, so a page boundary never skips or repeats a
 * job while jobs are added or finish between two calls.
 */
export interface JobPosition {
  readonly createdAtMs: number;
  readonly jobId: string;
}

/** Whether `a` comes after `b` in `listJobs` order (is older, or created in the same ms with a smaller id). */
export function isListedAfter(a: JobPosition, b: JobPosition): boolean {
  return a.createdAtMs < b.createdAtMs || (a.createdAtMs === b.createdAtMs && a.jobId < b.jobId);
}

const CURSOR_VERSION = "j1";
const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The opaque `nextCursor` of a page: the last listed job's position, so the next page starts
 * strictly after it (keyset paging: no offset, stable while jobs come and go).
 */
export function encodeJobCursor(position: JobPosition): string {
  return Buffer.from(
    `${CURSOR_VERSION}:${position.createdAtMs}:${position.jobId}`,
    "utf8",
  ).toString("base64url");
}

/** The position a cursor encodes, or `null` when it is not a cursor `encodeJobCursor` made. */
export function decodeJobCursor(cursor: string): JobPosition | null {
  if (cursor.length === 0 || cursor.length > 128 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  if (parts.length !== 3 || parts[0] !== CURSOR_VERSION) return null;
  const createdAtMs = Number(parts[1]);
  const jobId = parts[2]!;
  if (
    !/^-?\d+$/.test(parts[1]!) ||
    !Number.isSafeInteger(createdAtMs) ||
    !JOB_ID_PATTERN.test(jobId)
  )
    return null;
  return { createdAtMs, jobId };
}
