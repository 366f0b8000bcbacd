import type { Instrumentation } from "../state/instrumentation.js";
import type { JobRunHandle } from "./job-scheduler.js";
import type { RuntimeJobRequest } from "./runtime-job-request.js";

/**
 * `schedule`/`enqueue` under telemetry: the producer span starts before the insert (so its context
 * is stored with the job) and ends when the store has the job, with the operation's outcome.
 */
export function observeInsert(
  instrumentation: Instrumentation,
  operation: "schedule" | "enqueue",
  request: RuntimeJobRequest,
  insert: () => Promise<JobRunHandle>,
): Promise<JobRunHandle> {
  const observation = instrumentation.insertStarted(operation, request);
  if (observation === null) return insert();
  let inserted: Promise<JobRunHandle>;
  try {
    inserted = insert();
  } catch (error) {
    observation.ended("error", error);
    throw error;
  }
  return inserted.then(
    (handle) => {
      observation.ended("success", undefined, handle);
      return handle;
    },
    (error: unknown) => {
      observation.ended("error", error);
      throw error;
    },
  );
}

/** `cancelJob`/`cancelRun` under telemetry: outcome `"cancelled"`, `"not-found"` or `"error"`. */
export async function observeCancel(
  instrumentation: Instrumentation,
  operation: "cancel-job" | "cancel-run",
  id: string,
  cancel: () => Promise<boolean>,
): Promise<boolean> {
  const observation = instrumentation.cancelStarted(operation, id);
  if (observation === null) return cancel();
  try {
    const cancelled = await cancel();
    observation.ended(cancelled ? "cancelled" : "not-found");
    return cancelled;
  } catch (error) {
    observation.ended("error", error);
    throw error;
  }
}
