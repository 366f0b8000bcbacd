import {
  createScheduler,
  type JobScheduler,
  type JobState,
  type JobStatus,
} from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import { setTimeout as delay } from "node:timers/promises";
import { databaseUrl, schema } from "./database.js";
import { jobDescriptors } from "./jobs.generated.descriptors.js";

const customers = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"];

/**
 * The producer enqueues and cancels, and never runs a job: it imports only the descriptors module,
 * so none of the job classes (nor their dependencies) are loaded in this process.
 */
export async function runProducer(): Promise<void> {
  const scheduler = createScheduler({
    registry: jobDescriptors,
    store: postgresStore({ connectionString: databaseUrl, schema }),
  });
  await scheduler.start();
  try {
    const exportHandle = await scheduler.enqueue("ledger.export", { year: 2025 });
    console.log(`producer: enqueued ledger.export (jobId ${exportHandle.jobId})`);
    const invoiceIds: string[] = [];
    for (const [index, customer] of customers.entries()) {
      const handle = await scheduler.enqueue("invoices.render", {
        invoiceId: 1001 + index,
        customer,
      });
      invoiceIds.push(handle.jobId);
    }
    console.log(`producer: enqueued ${invoiceIds.length} invoices.render jobs`);

    await waitForStatus(scheduler, exportHandle.jobId, ["running"]);
    console.log("producer: ledger.export is running in a worker; cancelling it from this process");
    const cancelled = await scheduler.cancelJob(exportHandle.jobId);
    const exportState = await waitForStatus(scheduler, exportHandle.jobId, [
      "cancelled",
      "failed",
      "succeeded",
    ]);
    console.log(`producer: cancelJob → ${cancelled}; ledger.export ended ${exportState.status}`);

    const finished = await Promise.all(
      invoiceIds.map((jobId) =>
        waitForStatus(scheduler, jobId, ["succeeded", "failed", "cancelled"]),
      ),
    );
    const succeeded = finished.filter((state) => state.status === "succeeded").length;
    console.log(`producer: ${succeeded}/${finished.length} invoices rendered`);
    if (!cancelled || exportState.status !== "cancelled" || succeeded !== finished.length) {
      throw new Error("the example did not end as expected; see the lines above");
    }
  } finally {
    await scheduler.stop();
  }
}

/** Polls the cluster-wide job state (any process can answer getJob from the shared schema). */
async function waitForStatus(
  scheduler: JobScheduler,
  jobId: string,
  statuses: readonly JobStatus[],
  timeoutMs = 20_000,
): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await scheduler.getJob(jobId);
    if (state !== null && statuses.includes(state.status)) return state;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobId} did not reach ${statuses.join("/")} within ${timeoutMs} ms (last: ${state?.status ?? "unknown"})`,
      );
    }
    await delay(50);
  }
}
