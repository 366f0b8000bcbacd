import { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { Tally } from "../../fixture/src/tally.js";
import type { QueueSystem } from "../peers/queue-system.js";
import { timeAsync, withDeadline } from "./stopwatch.js";

/** One enqueue-then-process run of a {@link QueueSystem}. */
export interface ProcessingRun {
  readonly enqueueRate: number;
  readonly processRate: number;
  /** The probes the workers report to, still running: lateness is measured on them next. */
  readonly probes: { readonly tally: Tally; readonly recorder: LatenessRecorder };
}

/**
 * Bulk-enqueues `jobCount` no-ops with no worker running (timed), then starts the workers and
 * stops the clock when the last body has run (worker start-up included). Fails unless every job
 * ran exactly once.
 */
export async function enqueueAndProcess(
  system: QueueSystem,
  jobCount: number,
): Promise<ProcessingRun> {
  const enqueueMs = await timeAsync(() =>
    withDeadline(
      system.enqueueNoops(jobCount),
      180_000,
      `${system.name}: enqueue of ${jobCount} jobs`,
    ),
  );
  const probes = { tally: new Tally(), recorder: new LatenessRecorder() };
  const allRan = probes.tally.reached(jobCount);
  const processMs = await timeAsync(async () => {
    await system.startWorkers(probes);
    await withDeadline(allRan, 180_000, `${system.name}: processing ${jobCount} jobs`);
  });
  if (probes.tally.count !== jobCount) {
    throw new Error(
      `${system.name}: ${probes.tally.count} bodies ran for ${jobCount} jobs; the workload was not processed exactly once.`,
    );
  }
  return {
    enqueueRate: jobCount / (enqueueMs / 1000),
    processRate: jobCount / (processMs / 1000),
    probes,
  };
}
