import type { Instrumentation, OperationObservation } from "../state/instrumentation.js";
import type { JobRunHandle } from "./job-scheduler.js";

/**
 * `schedule`/`enqueue` under telemetry: the producer span started before the insert
 * (`Instrumentation.insertStarted`, so its context is stored with the job) ends when the store has
 * the job, with the operation's outcome. The caller starts it, so an insert nobody observes (the
 * hook answered `null`) allocates no closure for this.
 */
export function observeInsert(
  observation: OperationObservation,
  insert: () => Promise<JobRunHandle>,
): Promise<JobRunHandle> {
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
export function observeCancel(
  instrumentation: Instrumentation,
  operation: "cancel-job" | "cancel-run",
  id: string,
  cancel: () => Promise<boolean>,
): Promise<boolean> {
  const observation = instrumentation.cancelStarted(operation, id);
  if (observation === null) return cancel();
  return cancel().then(
    (cancelled) => {
      observation.ended(cancelled ? "cancelled" : "not-found");
      return cancelled;
    },
    (error: unknown) => {
      observation.ended("error", error);
      throw error;
    },
  );
}
