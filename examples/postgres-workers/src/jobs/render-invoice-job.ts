import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import { setTimeout as delay } from "node:timers/promises";
import type { WorkerIdentity } from "../worker-identity.js";

export interface RenderInvoicePayload {
  invoiceId: number;
  customer: string;
}

/** A short job: whichever worker claims it first renders the invoice. */
@ScheduledJob("invoices.render", { overlap: "allow-concurrent" })
export class RenderInvoiceJob implements IScheduledJob<RenderInvoicePayload> {
  constructor(private readonly worker: WorkerIdentity) {}

  async execute(payload: RenderInvoicePayload, context: ScheduledJobContext): Promise<void> {
    // Long enough that both workers get a share of the batch.
    await delay(150, undefined, { signal: context.signal });
    this.worker.report({
      worker: this.worker.name,
      jobName: context.jobName,
      jobId: context.jobId,
      outcome: "done",
      detail: `invoice #${payload.invoiceId} for ${payload.customer}`,
    });
  }
}
