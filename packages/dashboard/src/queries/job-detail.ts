import type { JobScheduler, JobState, JobStatus } from "@elarion/runtime";

/** One run of the job as the job page lists it. */
export interface JobRun {
  readonly runId: string;
  /** The attempt it is (1-based), when known. */
  readonly attempt: number | null;
  readonly status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";
  readonly dueTime: Date | null;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  /** The outcome message: a failed run's error, or why it was skipped or cancelled. */
  readonly message: string | null;
  /** The job's latest attempt (`JobState.currentRunId`): the one `cancelRun` can still stop. */
  readonly current: boolean;
}

/** The job page and `GET <base>/api/jobs/<jobId>`. */
export interface JobDetail {
  readonly capturedAt: Date;
  readonly job: JobState;
  /**
   * The payload the job was scheduled with, when the scheduler reports it on `JobState`
   * (`{ known: false }` for a scheduler whose `getJob` leaves it out).
   */
  readonly payload: { readonly known: true; readonly value: unknown } | { readonly known: false };
  /** Its runs the scheduler still reports, latest attempt first. */
  readonly runs: readonly JobRun[];
}

const RUN_STATUS_OF_JOB: Readonly<Record<JobStatus, JobRun["status"]>> = {
  queued: "queued",
  "waiting-retry": "queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
};

/**
 * A job with its runs: the latest attempt from the job's state (its due time or start from the
 * snapshot's queued and active runs), and an earlier attempt when the snapshot's latest outcome of
 * the job name is one of this job's runs. `null` for an unknown job (or one dropped by retention).
 */
export async function loadJobDetail(
  scheduler: JobScheduler,
  jobId: string,
): Promise<JobDetail | null> {
  const [job, snapshot] = await Promise.all([scheduler.getJob(jobId), scheduler.snapshot()]);
  if (job === null) return null;
  const live = [...snapshot.activeRuns, ...snapshot.queuedRuns].find(
    (run) => run.runId === job.currentRunId,
  );
  const outcomes = snapshot.recentOutcomes.filter((outcome) => outcome.jobId === job.jobId);
  const currentOutcome = outcomes.find((outcome) => outcome.runId === job.currentRunId);
  const status = RUN_STATUS_OF_JOB[job.status];
  const current: JobRun = {
    runId: job.currentRunId,
    attempt: job.attempt,
    status,
    dueTime: live?.dueTime ?? job.nextAttemptDueTime ?? currentOutcome?.dueTime ?? null,
    startedAt: live?.startedAt ?? currentOutcome?.startedAt ?? null,
    completedAt: job.completedAt,
    message: currentOutcome?.message ?? (status === "failed" ? job.lastError : null),
    current: true,
  };
  const earlier = outcomes
    .filter((outcome) => outcome.runId !== job.currentRunId)
    .map(
      (outcome): JobRun => ({
        runId: outcome.runId,
        attempt: null,
        status: outcome.status,
        dueTime: outcome.dueTime,
        startedAt: outcome.startedAt,
        completedAt: outcome.completedAt,
        message: outcome.message,
        current: false,
      }),
    );
  const payload: JobDetail["payload"] =
    "payload" in job
      ? { known: true, value: (job as { payload: unknown }).payload }
      : { known: false };
  return { capturedAt: snapshot.capturedAt, job, payload, runs: [current, ...earlier] };
}
