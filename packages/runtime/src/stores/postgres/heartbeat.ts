import type { Cancels } from "./cancels.js";
import type { LeaseBatcher } from "./lease-batcher.js";
import type { StoreContext } from "./store-context.js";

/**
 * One heartbeat (every `heartbeatMs`, sql/statements/extend-leases.sql): extends the leases this
 * process holds. A lease the database no longer grants (it expired and may be running elsewhere)
 * is aborted here; a cancel whose NOTIFY was missed is honoured. Never rejects: a failed beat is
 * logged and the next one retries.
 */
export async function beat(
  context: StoreContext,
  leases: LeaseBatcher,
  cancels: Cancels,
): Promise<void> {
  const { host } = context;
  try {
    await leases.extendLeases({
      lost: (runId) => {
        host.logger.warn(
          "postgresStore: lost the lease of a run (heartbeat too late); another worker may run it again",
          { runId },
        );
        host.abortRun(runId, "lease lost");
      },
      cancelRequested: (runId) => cancels.requested(runId, host),
    });
  } catch (error) {
    host.logger.warn("postgresStore: heartbeat failed; retrying at the next beat", {
      error: context.describe(error, "extend leases"),
    });
  }
}
