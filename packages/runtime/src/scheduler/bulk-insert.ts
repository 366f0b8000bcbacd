import { firstRunIdOfNewestJobId, newJobId } from "../core/ids.js";
import { coded, type CodedError } from "../core/runtime-errors.js";
import type { JobStore, KeyHolder } from "../stores/job-store.js";
import type { JobRunHandle } from "./job-scheduler.js";
import type { RuntimeJobRequest } from "./runtime-job-request.js";

/**
 * Validates every item of a bulk call before anything is inserted. An error names the item's
 * index and keeps the item's own error code and class.
 */
export function validateEach<T>(
  operation: string,
  items: readonly T[],
  build: (item: T, index: number) => RuntimeJobRequest,
): RuntimeJobRequest[] {
  if (!Array.isArray(items)) {
    throw coded(
      new TypeError(
        `${operation}: expected an array, got ${items === null ? "null" : typeof items}.`,
      ),
      "ELR207",
    );
  }
  const requests: RuntimeJobRequest[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    try {
      requests[index] = build(items[index]!, index);
    } catch (error) {
      throw atIndex(operation, index, error);
    }
  }
  return requests;
}

function atIndex(operation: string, index: number, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`${operation}: item ${index}: ${String(error)}`);
  const Kind =
    error instanceof RangeError ? RangeError : error instanceof TypeError ? TypeError : Error;
  const named = new Kind(`${operation}: item ${index}: ${error.message}`, { cause: error });
  const code = (error as Partial<CodedError>).code;
  return code === undefined ? named : coded(named, code);
}

/**
 * Inserts validated requests all or nothing (one statement on PostgreSQL) and answers their
 * handles in input order. Items sharing a `(job name, key)` become one insert, as if they had been
 * enqueued one after another: the first item's ids, the payload and due time of the last
 * `"replace"` among them (else the first's); every later item's handle is that job's, with
 * `deduplicated: true`. Each handle shows the job as the call left it.
 */
export async function insertMany(
  store: JobStore,
  requests: RuntimeJobRequest[],
  client: unknown,
  nowMs: number,
  clockIsWallClock: boolean,
): Promise<JobRunHandle[]> {
  if (requests.length === 0) return [];
  const inserts: RuntimeJobRequest[] = [];
  /** Per item: its insert's index in `inserts`, and whether it is the item whose ids that insert took. */
  const insertOf: number[] = new Array(requests.length);
  const ownsIds: boolean[] = new Array(requests.length);
  const groups = new Map<string, number>();
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index]!;
    if (request.key !== null) {
      const group = `${request.jobName}\u0000${request.key}`;
      const known = groups.get(group);
      if (known !== undefined) {
        insertOf[index] = known;
        ownsIds[index] = false;
        if (request.onDuplicate === "replace") inserts[known] = request;
        continue;
      }
      groups.set(group, inserts.length);
    }
    insertOf[index] = inserts.length;
    ownsIds[index] = true;
    inserts.push(request);
  }
  for (const request of inserts) {
    const jobId = clockIsWallClock ? newJobId(nowMs) : newJobId();
    request.identify(jobId, firstRunIdOfNewestJobId(), nowMs);
  }
  const holders = await store.insertJobs(inserts, client === undefined ? undefined : { client });
  return requests.map((request, index) => {
    const insert = inserts[insertOf[index]!]!;
    const holder: KeyHolder | null = holders[insertOf[index]!] ?? null;
    const handle: JobRunHandle =
      holder === null
        ? {
            jobId: insert.jobId,
            runId: insert.runId,
            jobName: insert.jobName,
            dueTime: new Date(insert.dueTimeMs),
            attempt: 1,
            maxAttempts: insert.maxAttempts,
          }
        : {
            jobId: holder.jobId,
            runId: holder.runId,
            jobName: insert.jobName,
            dueTime: new Date(holder.dueTimeMs),
            attempt: holder.attempt,
            maxAttempts: holder.maxAttempts,
          };
    if (request.key !== null) handle.deduplicated = holder !== null || !ownsIds[index];
    return handle;
  });
}
