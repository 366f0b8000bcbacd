import { createScheduler, type JobScheduler, type JobState } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { setTimeout as delay } from "node:timers/promises";
import { databaseUrl, schema } from "./database.js";
import { jobDescriptors } from "./jobs.generated.descriptors.js";

/** Each tenant's report schedule, as the tenants chose it. Six-field crons: seconds first. */
export const TENANT_SCHEDULES = {
  acme: { cron: "* * * * * *", misfire: "catch-up" },
  globex: { cron: "*/2 * * * * *", misfire: "catch-up" },
  initech: { fixedRate: "1500ms", misfire: "catch-up" },
} as const;
/** What acme changes its schedule to, while the workers run. */
export const ACME_NEW_CRON = "*/3 * * * * *";
const WEBHOOKS = 25;

/** What the admin did, for the launcher's check. */
export interface AdminReport {
  /** When acme's new schedule took effect: its first slot under the new cron. */
  readonly acmeChangedAt: number;
  /** The one sync job the webhook burst became. */
  readonly syncJob: JobState;
}

/**
 * The admin process: defines a report schedule per tenant at run time, deduplicates a webhook
 * burst with a key, changes one tenant's cron live, then removes the schedules. It imports only
 * the descriptors module and never runs a job (the workers do).
 */
export async function runAdmin(): Promise<AdminReport> {
  const scheduler = createScheduler({
    registry: jobDescriptors,
    store: postgresStore({ connectionString: databaseUrl, schema }),
  });
  await scheduler.start();
  try {
    for (const [tenant, schedule] of Object.entries(TENANT_SCHEDULES)) {
      const info = await scheduler.upsertSchedule(
        `report:${tenant}`,
        "tenant.report",
        { tenant },
        schedule,
      );
      console.log(
        `admin: schedule report:${tenant} (${info.cron ?? `every ${info.fixedRate} ms`}), first slot ${info.nextDueTime?.toISOString()}`,
      );
    }
    // Upserting again at the next start is safe: an unchanged schedule is left as it is.
    const again = await scheduler.upsertSchedule(
      "report:acme",
      "tenant.report",
      { tenant: "acme" },
      TENANT_SCHEDULES.acme,
    );
    console.log(
      `admin: upsert of an unchanged schedule keeps its slot (${again.nextDueTime?.toISOString()})`,
    );

    // A burst of webhooks for one tenant: one sync job, debounced to a second after the last webhook.
    const handles = [];
    for (let webhook = 1; webhook <= WEBHOOKS; webhook++) {
      handles.push(
        await scheduler.schedule(
          "tenant.sync",
          { tenant: "globex", webhooks: webhook },
          Date.now() + 1_000,
          { key: "sync:globex", onDuplicate: "replace" },
        ),
      );
    }
    const jobIds = new Set(handles.map((handle) => handle.jobId));
    const deduplicated = handles.filter((handle) => handle.deduplicated).length;
    console.log(
      `admin: ${WEBHOOKS} webhooks for globex -> ${jobIds.size} sync job (${deduplicated} deduplicated)`,
    );

    await delay(4_000);
    const changed = await scheduler.upsertSchedule(
      "report:acme",
      "tenant.report",
      { tenant: "acme" },
      { ...TENANT_SCHEDULES.acme, cron: ACME_NEW_CRON },
    );
    console.log(
      `admin: acme now reports on "${changed.cron}"; next slot ${changed.nextDueTime?.toISOString()}`,
    );

    await delay(5_000);
    for (const info of await scheduler.listSchedules()) {
      console.log(
        `admin: ${info.scheduleKey} next ${info.nextDueTime?.toISOString()}, last outcome ${info.lastOutcome?.status} for ${info.lastOutcome?.dueTime.toISOString()}`,
      );
    }
    for (const tenant of Object.keys(TENANT_SCHEDULES))
      await scheduler.removeSchedule(`report:${tenant}`);
    console.log("admin: schedules removed");
    const syncJob = await waitForEnd(scheduler, [...jobIds][0]!);
    return { acmeChangedAt: changed.nextDueTime!.getTime(), syncJob };
  } finally {
    await scheduler.stop();
  }
}

async function waitForEnd(
  scheduler: JobScheduler,
  jobId: string,
  timeoutMs = 20_000,
): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await scheduler.getJob(jobId);
    if (state !== null && ["succeeded", "failed", "cancelled", "skipped"].includes(state.status))
      return state;
    if (Date.now() > deadline)
      throw new Error(
        `job ${jobId} did not finish within ${timeoutMs} ms (last: ${state?.status ?? "unknown"})`,
      );
    await delay(50);
  }
}
