import type { StoreHost } from "../job-store.js";
import type { ClaimedRunRow, RunCompletionRow } from "./queue-rows.js";

/** How a leased row that cannot run here ends instead. */
export type ScreenedOutcome = Omit<RunCompletionRow, "runId" | "claims">;

/**
 * Decides at claim time whether a leased row can run in this process: its job must be registered
 * here, its stored resilience policy must have the fields this build computes with, and its stored
 * payload must pass the job's generated validator (a row written by another deployment otherwise
 * fails deep inside a job, or in the retry step after it); a run whose cancel was requested ends
 * cancelled.
 */
export function screenClaimedRow(
  row: ClaimedRunRow,
  host: Pick<StoreHost, "now" | "findDescriptor">,
): "run" | ScreenedOutcome {
  const ended = (status: "failed" | "cancelled", message: string): ScreenedOutcome => ({
    status,
    message,
    startedAtMs: null,
    completedAtMs: host.now(),
  });
  if (row.cancelRequested) return ended("cancelled", "cancelled");
  const descriptor = host.findDescriptor(row.jobName);
  if (descriptor === undefined) {
    return ended(
      "failed",
      `job "${row.jobName}" (job ${row.jobId}) is not registered in this process; the row was probably written by ` +
        `another deployment. Register the job in this worker's registry, or cancel the job.`,
    );
  }
  const policyProblem = storedPolicyProblem(row.resilience);
  if (policyProblem !== null) {
    return ended(
      "failed",
      `the stored resilience policy${policyName(row.resilience)} of job "${row.jobName}" (job ${row.jobId}) cannot be used by this deployment: ` +
        `${policyProblem}. It was probably written by an older or newer deployment; re-enqueue the job (its payload is kept in the row).`,
    );
  }
  const problem = descriptor.validatePayload?.(row.payload ?? undefined) ?? null;
  if (problem !== null) {
    return ended(
      "failed",
      `the stored payload of job "${row.jobName}" (job ${row.jobId}) does not match this deployment's payload type: ${problem}. ` +
        `It was probably written by an older or newer deployment; re-enqueue it with a valid payload.`,
    );
  }
  return "run";
}

const BACKOFFS: readonly unknown[] = ["constant", "linear", "exponential"];

/**
 * What is wrong with a stored resilience policy (`jobs.resilience`, the JSON of a
 * `ResiliencePolicy`) for this build, or `null` when it is usable (or absent). A policy written by
 * a deployment that named its fields differently (e.g. `delay: "1s"` for `delayMs: 1000`) would
 * otherwise give a retry due at `NaN`.
 */
export function storedPolicyProblem(policy: unknown): string | null {
  // Only an object is read as a policy (row-mapping.ts); anything else already means "no policy".
  if (typeof policy !== "object" || policy === null) return null;
  if (Array.isArray(policy)) return `expected an object, got ${JSON.stringify(policy)}`;
  const fields = policy as Record<string, unknown>;
  const milliseconds = (name: string, nullable: boolean, positive: boolean): string | null => {
    const value = fields[name];
    if (nullable && value === null) return null;
    if (typeof value === "number" && Number.isFinite(value) && (positive ? value > 0 : value >= 0))
      return null;
    return `${name} is ${describe(value)} (expected ${positive ? "a positive" : "a"} number of milliseconds${nullable ? " or null" : ""})`;
  };
  const problems = [
    Number.isInteger(fields["maxRetryAttempts"]) && (fields["maxRetryAttempts"] as number) >= 0
      ? null
      : `maxRetryAttempts is ${describe(fields["maxRetryAttempts"])} (expected a whole number 0 or more)`,
    milliseconds("delayMs", false, false),
    BACKOFFS.includes(fields["backoff"])
      ? null
      : `backoff is ${describe(fields["backoff"])} (expected "constant", "linear" or "exponential")`,
    milliseconds("maxDelayMs", true, false),
    typeof fields["jitter"] === "boolean"
      ? null
      : `jitter is ${describe(fields["jitter"])} (expected true or false)`,
    milliseconds("timeoutMs", true, true),
  ].filter((problem) => problem !== null);
  return problems.length === 0 ? null : problems.join("; ");
}

function describe(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}

function policyName(policy: unknown): string {
  const name =
    typeof policy === "object" && policy !== null ? (policy as { name?: unknown }).name : undefined;
  return typeof name === "string" ? ` "${name}"` : "";
}
