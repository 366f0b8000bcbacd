import type { Instrumentation } from "../state/instrumentation.js";
import type { Run } from "./run.js";

/**
 * The fields of a log line about a run: its job name, job id and run id, and the trace id of its
 * span when telemetry gave it one, so a log search and a trace find each other. `extra` comes last
 * and may add (e.g. `error`) but not rename.
 */
export function runLogFields(
  run: Run,
  instrumentation: Instrumentation | null,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    jobName: run.jobName,
    jobId: run.jobId,
    runId: run.runId,
    ...extra,
  };
  const traceId = instrumentation === null ? null : instrumentation.traceIdOf(run);
  if (traceId !== null) fields["traceId"] = traceId;
  return fields;
}
