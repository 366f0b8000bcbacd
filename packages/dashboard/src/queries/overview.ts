import type { JobCounts, JobScheduler, OutcomeInfo, RunInfo } from "@elarion/runtime";

/** One job name as the overview shows it. */
export interface JobNameSummary {
  readonly name: string;
  /** `null` for a runtime-only job (scheduled from code, no schedule of its own). */
  readonly scheduleKind: "fixed-rate" | "fixed-delay" | "cron" | "once" | null;
  readonly supportsRuntimeScheduling: boolean;
  readonly group: string | null;
  readonly paused: boolean;
  readonly nextDueTime: Date | null;
  /** Runtime jobs of this name in each status (recurring slots are not jobs: see `lastOutcome`). */
  readonly counts: JobCounts;
  /** Its latest terminal run, runtime or recurring. */
  readonly lastOutcome: OutcomeInfo | null;
  /** Runs of this name executing or waiting for a slot now. */
  readonly activeRuns: number;
}

/** The overview page and `GET <base>/api/overview`. */
export interface Overview {
  readonly capturedAt: Date;
  readonly jobs: readonly JobNameSummary[];
  /** Runtime jobs in each status, every job name together. */
  readonly totals: JobCounts;
  /** Runs executing now (also those waiting for a concurrency slot), oldest first. */
  readonly activeRuns: readonly RunInfo[];
}

/** Reads the overview: one snapshot and one count per job name (index-served on PostgreSQL). */
export async function loadOverview(scheduler: JobScheduler): Promise<Overview> {
  const [snapshot, totals] = await Promise.all([scheduler.snapshot(), scheduler.countJobs()]);
  const counts = await Promise.all(
    snapshot.jobs.map((job) => scheduler.countJobs({ jobName: job.name })),
  );
  const outcomes = new Map(snapshot.recentOutcomes.map((outcome) => [outcome.jobName, outcome]));
  const jobs = snapshot.jobs
    .map(
      (job, index): JobNameSummary => ({
        name: job.name,
        scheduleKind: job.scheduleKind,
        supportsRuntimeScheduling: job.supportsRuntimeScheduling,
        group: job.group,
        paused: job.paused,
        nextDueTime: job.nextDueTime,
        counts: counts[index] as JobCounts,
        lastOutcome: outcomes.get(job.name) ?? null,
        activeRuns: snapshot.activeRuns.filter((run) => run.jobName === job.name).length,
      }),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return { capturedAt: snapshot.capturedAt, jobs, totals, activeRuns: snapshot.activeRuns };
}
