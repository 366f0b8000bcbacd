import { createScheduler, type JobScheduler } from "@elarion/runtime";
import { activityLog as log } from "./activity-log.js";
import { ConsoleEmailSender } from "./email-sender.js";
import { jobRegistry, type JobClasses, type JobPayloads } from "./jobs.generated.js";
import { SendEmailJob } from "./jobs/send-email-job.js";
import { formatSnapshot } from "./snapshot-report.js";
import { waitForJob } from "./wait-for-job.js";

/**
 * The seed scenario, end to end: schedule an email five seconds out, cancel another one, let a third
 * fail once and be retried by the scheduler, then print a snapshot and stop.
 */
export async function runEmailDemo(): Promise<void> {
  const scheduler = createScheduler({
    registry: jobRegistry,
    services: { EmailSender: new ConsoleEmailSender(log, ["flaky@example.com"]) },
    // The scheduler reports failed attempts through its logger; print them as one line each.
    logger: {
      warn: (message) => log.write(`⚠  ${message}`),
      error: (message) => log.write(`✖  ${message}`),
    },
  });
  await scheduler.start();
  try {
    log.write("scheduler started (in-memory store); outbox.sweep runs every 2 s from its cron");
    await playScenario(scheduler);
  } finally {
    // Also on failure: a started scheduler keeps its cron timer armed until it is stopped.
    await scheduler.stop();
    log.write("scheduler stopped; bye");
  }
}

async function playScenario(scheduler: JobScheduler<JobClasses, JobPayloads>): Promise<void> {
  const invoice = await scheduler.schedule(
    SendEmailJob,
    { to: "customer@example.com", subject: "Invoice", body: "Your invoice is ready." },
    Date.now() + 5_000,
  );
  log.write(`scheduled   emails.send to customer@example.com, due in 5 s (jobId ${invoice.jobId})`);

  const reminder = await scheduler.schedule(
    SendEmailJob,
    { to: "someone@example.com", subject: "Reminder", body: "Don't forget." },
    Date.now() + 5_000,
  );
  const cancelled = await scheduler.cancelJob(reminder.jobId);
  const reminderState = await scheduler.getJob(reminder.jobId);
  log.write(
    `cancelJob   the reminder to someone@example.com → ${cancelled}, status ${reminderState?.status ?? "unknown"}`,
  );

  const receipt = await scheduler.enqueue(
    SendEmailJob,
    { to: "flaky@example.com", subject: "Receipt", body: "Thanks for your order." },
    { resilience: "email-retry", resilienceMode: "deferred-retry" },
  );
  log.write(`enqueued    emails.send to flaky@example.com with deferred retry "email-retry"`);
  log.write(
    `            jobId ${receipt.jobId}  runId ${receipt.runId}  attempt ${receipt.attempt}/${receipt.maxAttempts}`,
  );

  const waiting = await waitForJob(scheduler, receipt.jobId, [
    "waiting-retry",
    "succeeded",
    "failed",
  ]);
  log.write(
    `${waiting.status.padEnd(11)} jobId ${waiting.jobId}  next runId ${waiting.currentRunId}  due ${waiting.nextAttemptDueTime?.toISOString().slice(11, 23) ?? "-"} UTC`,
  );
  log.write(`            last error: ${waiting.lastError ?? "-"}`);

  const retried = await waitForJob(scheduler, receipt.jobId, ["succeeded", "failed", "cancelled"]);
  log.write(
    `${retried.status.padEnd(11)} jobId ${retried.jobId}  runId ${retried.currentRunId}  attempt ${retried.attempt}/${retried.maxAttempts}`,
  );
  log.write(
    `            same jobId: ${retried.jobId === receipt.jobId ? "yes" : "NO"}, new runId: ${retried.currentRunId !== receipt.runId ? "yes" : "NO"}`,
  );

  const delivered = await waitForJob(scheduler, invoice.jobId, [
    "succeeded",
    "failed",
    "cancelled",
  ]);
  log.write(
    `${delivered.status.padEnd(11)} the invoice to customer@example.com, ${((delivered.completedAt?.getTime() ?? 0) - delivered.createdAt.getTime()) / 1000} s after it was scheduled`,
  );

  console.log(formatSnapshot(await scheduler.snapshot()));
  const asExpected =
    cancelled &&
    retried.status === "succeeded" &&
    retried.jobId === receipt.jobId &&
    retried.currentRunId !== receipt.runId &&
    delivered.status === "succeeded";
  if (!asExpected) throw new Error("the scenario did not end as described; see the lines above");
}
