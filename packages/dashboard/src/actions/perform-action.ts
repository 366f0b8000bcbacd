import type { JobScheduler } from "@elarion/runtime";
import type { DashboardAction } from "../http/dashboard-action.js";
import type { NoticeCode } from "../http/notices.js";

/** What an action did: a notice to redirect with, or a refusal to show (with its HTTP status). */
export type ActionResult =
  | { readonly done: true; readonly notice: NoticeCode; readonly subject: string }
  | { readonly done: false; readonly status: number; readonly message: string };

/**
 * Calls the scheduler for an authorized, same-origin action. An error the scheduler throws (an
 * unknown job name, a job without a schedule for `triggerJob`, a store that is down) is the
 * operator's to read, not a crash: it comes back as a refusal with the scheduler's message.
 */
export async function performAction(
  scheduler: JobScheduler,
  action: DashboardAction,
): Promise<ActionResult> {
  try {
    switch (action.kind) {
      case "cancel-job":
        return (await scheduler.cancelJob(action.jobId))
          ? { done: true, notice: "job-cancelled", subject: action.jobId }
          : { done: true, notice: "job-not-cancelled", subject: action.jobId };
      case "retry-job": {
        const retried = await scheduler.retryJob(action.jobId);
        if (retried === null) {
          return {
            done: false,
            status: 409,
            message: `Job ${action.jobId} cannot be retried: only a failed or cancelled job can, and this one is unknown or in another status.`,
          };
        }
        return { done: true, notice: "job-retried", subject: action.jobId };
      }
      case "cancel-run":
        return (await scheduler.cancelRun(action.runId))
          ? { done: true, notice: "run-cancelled", subject: action.runId }
          : { done: true, notice: "run-not-cancelled", subject: action.runId };
      case "pause-job":
        await scheduler.pauseJob(action.jobName);
        return { done: true, notice: "job-paused", subject: action.jobName };
      case "resume-job":
        await scheduler.resumeJob(action.jobName);
        return { done: true, notice: "job-resumed", subject: action.jobName };
      case "trigger-job":
        await scheduler.triggerJob(action.jobName);
        return { done: true, notice: "job-triggered", subject: action.jobName };
    }
  } catch (error) {
    // The scheduler throws TypeError/RangeError for bad input (ELR3xx); anything else is a failure of its own.
    const badInput = error instanceof TypeError || error instanceof RangeError;
    return {
      done: false,
      status: badInput ? 422 : 500,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
