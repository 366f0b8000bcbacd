import type { Clock } from "../core/clock.js";
import type { MaybePromise } from "../core/maybe-promise.js";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import { latestPerJobName } from "../state/latest-outcomes.js";
import type { RunInfo } from "../state/run-info.js";
import type { SchedulerSnapshot } from "../state/scheduler-snapshot.js";
import type { JobStore } from "../stores/job-store.js";
import type { JobCatalog } from "./job-catalog.js";

/**
 * `snapshot()`: the store's view (queued and active runtime runs, recent outcomes, next due
 * times, paused names) merged with this process's (pending recurring slots, recurring runs and
 * their outcomes, abandoned bodies), per job and sorted for reading.
 */
export async function snapshotOf(
  store: JobStore,
  catalog: JobCatalog,
  dispatcher: Dispatcher,
  clock: Clock,
): Promise<SchedulerSnapshot> {
  const [queued, active, outcomes, storeDue, paused] = await Promise.all([
    settled(store.listQueuedRuns()),
    settled(store.listActiveRuns()),
    settled(store.listRecentOutcomes()),
    settled(store.nextDueTimes()),
    settled(store.pausedJobNames()),
  ]);
  const occurrenceDue = dispatcher.nextOccurrenceDueTimes();
  const jobs = [...catalog.jobs.values()].map((job) => {
    const descriptor = job.descriptor;
    const candidates = [occurrenceDue.get(job.name), storeDue.get(job.name)].filter(
      (value): value is number => value !== undefined,
    );
    return {
      name: job.name,
      scheduleKind: dispatcher.scheduleOf(job).recurrence?.kind ?? null,
      supportsRuntimeScheduling: descriptor.supportsRuntimeScheduling,
      group: descriptor.group,
      overlap: descriptor.overlap,
      misfire: descriptor.misfire,
      maxConcurrentRuns: descriptor.maxConcurrentRuns,
      nextDueTime: candidates.length === 0 ? null : new Date(Math.min(...candidates)),
      paused: paused.has(job.name),
    };
  });
  return {
    capturedAt: new Date(clock.now()),
    jobs,
    queuedRuns: [...queued, ...dispatcher.queuedOccurrences()].sort(
      (a, b) => a.dueTime.getTime() - b.dueTime.getTime(),
    ),
    activeRuns: uniqueByRunId([...active, ...dispatcher.activeOccurrenceRuns()]).sort(byStart),
    recentOutcomes: latestPerJobName(outcomes, dispatcher.recurringOutcomes.list()),
    abandonedRuns: dispatcher.abandonedRuns(),
  };
}

async function settled<T>(value: MaybePromise<T>): Promise<T> {
  return value;
}

function uniqueByRunId(runs: RunInfo[]): RunInfo[] {
  const seen = new Set<string>();
  return runs.filter((run) => (seen.has(run.runId) ? false : (seen.add(run.runId), true)));
}

function byStart(a: RunInfo, b: RunInfo): number {
  return (a.startedAt?.getTime() ?? Infinity) - (b.startedAt?.getTime() ?? Infinity);
}
