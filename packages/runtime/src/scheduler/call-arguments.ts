import { canonicalId } from "../core/ids.js";
import { coded } from "../core/runtime-errors.js";
import type { RegisteredJob } from "../dispatch/registered-job.js";
import type { JobCatalog } from "./job-catalog.js";

/**
 * A job or run id handed to `operation`, in its canonical (lower-case) form; anything but a
 * string is refused with ELR301 naming the operation.
 */
export function idArgument(operation: string, id: unknown, kind: "jobId" | "runId"): string {
  if (typeof id !== "string")
    throw coded(
      new TypeError(
        `${operation}: expected the ${kind} string of a JobRunHandle, got ${typeof id}.`,
      ),
      "ELR301",
    );
  return canonicalId(id);
}

/** The registered job named `jobName`, or ELR312 naming the registered ones. */
export function registeredJobArgument(
  catalog: JobCatalog,
  operation: string,
  jobName: unknown,
): RegisteredJob {
  if (typeof jobName !== "string")
    throw coded(
      new TypeError(
        `${operation}: expected a job name string, got ${jobName === null ? "null" : typeof jobName}.`,
      ),
      "ELR312",
    );
  const job = catalog.jobs.get(jobName);
  if (job === undefined) {
    const known = [...catalog.jobs.keys()].map((name) => `"${name}"`).join(", ") || "none";
    throw coded(
      new TypeError(
        `${operation}: unknown job name "${jobName}"; it is not in this scheduler's registry. Registered jobs: ${known}.`,
      ),
      "ELR312",
    );
  }
  return job;
}
