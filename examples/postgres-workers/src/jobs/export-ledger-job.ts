import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import { once } from "node:events";
import type { WorkerIdentity } from "../worker-identity.js";

export interface ExportLedgerPayload {
  year: number;
}

/**
 * A long job that only ends when its signal aborts, so the example can show a cancel issued by
 * another process reaching the worker that runs it.
 */
@ScheduledJob("ledger.export")
export class ExportLedgerJob implements IScheduledJob<ExportLedgerPayload> {
  constructor(private readonly worker: WorkerIdentity) {}

  async execute(payload: ExportLedgerPayload, context: ScheduledJobContext): Promise<void> {
    this.worker.report({
      worker: this.worker.name,
      jobName: context.jobName,
      jobId: context.jobId,
      outcome: "started",
      detail: `started exporting the ${payload.year} ledger (runs until cancelled)`,
    });
    if (!context.signal.aborted) await once(context.signal, "abort");
    this.worker.report({
      worker: this.worker.name,
      jobName: context.jobName,
      jobId: context.jobId,
      outcome: "aborted",
      detail: `export of ${payload.year} stopped: ${String(context.signal.reason instanceof Error ? context.signal.reason.message : context.signal.reason)}`,
    });
    context.signal.throwIfAborted();
  }
}
