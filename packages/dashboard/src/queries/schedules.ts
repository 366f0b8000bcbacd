import type { JobScheduler, OutcomeInfo, ScheduleInfo } from "@elarion/runtime";

/** A job with a schedule of its own (`@ScheduledJob` with cron, fixedRate, fixedDelay or once). */
export interface RecurringJob {
  readonly name: string;
  readonly scheduleKind: "fixed-rate" | "fixed-delay" | "cron" | "once";
  readonly overlap: string;
  readonly misfire: string;
  readonly group: string | null;
  readonly paused: boolean;
  readonly nextDueTime: Date | null;
  readonly lastOutcome: OutcomeInfo | null;
}

/** The schedules page and `GET <base>/api/schedules`. */
export interface Schedules {
  readonly capturedAt: Date;
  readonly recurring: readonly RecurringJob[];
  /** `upsertSchedule`'s schedules, or why they could not be listed. */
  readonly userDefined:
    | { readonly schedules: readonly ScheduleInfo[] }
    | { readonly unavailable: string };
}

export async function loadSchedules(scheduler: JobScheduler): Promise<Schedules> {
  const [snapshot, userDefined] = await Promise.all([
    scheduler.snapshot(),
    scheduler.listSchedules().then(
      (schedules) => ({
        schedules: [...schedules].sort((a, b) => a.scheduleKey.localeCompare(b.scheduleKey)),
      }),
      (error: unknown) => ({ unavailable: error instanceof Error ? error.message : String(error) }),
    ),
  ]);
  const outcomes = new Map(snapshot.recentOutcomes.map((outcome) => [outcome.jobName, outcome]));
  const recurring = snapshot.jobs.flatMap((job): RecurringJob[] =>
    job.scheduleKind === null
      ? []
      : [
          {
            name: job.name,
            scheduleKind: job.scheduleKind,
            overlap: job.overlap,
            misfire: job.misfire,
            group: job.group,
            paused: job.paused,
            nextDueTime: job.nextDueTime,
            lastOutcome: outcomes.get(job.name) ?? null,
          },
        ],
  );
  recurring.sort((a, b) => a.name.localeCompare(b.name));
  return { capturedAt: snapshot.capturedAt, recurring, userDefined };
}
