import type { PausedJobNames } from "./paused-job-names.js";
import { gatherPlannerStatistics } from "./planner-statistics.js";
import type { Retention } from "./retention.js";
import type { StoreContext } from "./store-context.js";

/**
 * The slow fallback (every `pollIntervalMs`): reclaims expired leases of lost workers
 * (sql/statements/reclaim-expired-leases.sql), re-reads the next due time in case a NOTIFY was
 * missed, reads the paused job names again and queues the held runs of names no longer paused (in
 * case a notice was missed or a statement raced a resume), applies retention, gathers planner
 * statistics when they are missing and has the scheduler repair run-time schedules left without a
 * next slot (ScheduleChains.repair). Never rejects: a failed poll is logged and the next one retries.
 */
export async function poll(
  context: StoreContext,
  retention: Retention,
  paused: PausedJobNames,
): Promise<void> {
  const { host, queue, pool, options, nextDue } = context;
  try {
    const { failed } = await queue.reclaimExpired(pool, host.now(), options.maxLeaseExpiries);
    if (failed > 0) {
      host.logger.error(
        "postgresStore: runs lost their worker too often and ended failed (see their jobs' lastError)",
        {
          failed,
          maxLeaseExpiries: options.maxLeaseExpiries,
        },
      );
    }
    await paused.refresh(context);
    await queue.requeueHeldRuns(pool);
    nextDue.queryStarted();
    const before = nextDue.value;
    nextDue.answered(await queue.nextDueTime(pool));
    const after = nextDue.value;
    if (after !== null && (after <= host.now() || before === null || after < before)) host.wake();
    await retention.pass();
    await gatherPlannerStatistics(context);
    // Run-time schedules whose chain a lost worker or a failed write left without a next slot.
    host.repairSchedules();
  } catch (error) {
    host.logger.warn("postgresStore: background poll failed; retrying at the next poll", {
      error: context.describe(error, "poll"),
    });
  }
}
