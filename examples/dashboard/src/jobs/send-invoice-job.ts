import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";
import type { InvoiceGateway } from "../invoice-gateway.js";

export interface InvoicePayload {
  invoiceId: string;
  customer: string;
  amountCents: number;
}

/** Fails when the gateway is down (no automatic retry): the operator retries it from the dashboard. */
@ScheduledJob("invoices.send")
export class SendInvoiceJob implements IScheduledJob<InvoicePayload> {
  constructor(private readonly gateway: InvoiceGateway) {}

  execute(payload: InvoicePayload): void {
    this.gateway.send(payload.invoiceId);
  }
}
