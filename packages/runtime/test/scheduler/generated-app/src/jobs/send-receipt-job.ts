import {
  ScheduledJob,
  resiliencePolicy,
  type IScheduledJob,
  type ScheduledJobContext,
} from "@elarion/runtime";
import type { Outbox } from "../outbox.js";

export interface ReceiptPayload {
  orderId: string;
  amount: number;
}

export const receiptRetry = resiliencePolicy("receipt-retry", {
  maxRetryAttempts: 2,
  delay: "1s",
  backoff: "linear",
});

@ScheduledJob("receipts.send", { resilience: "receipt-retry" })
export class SendReceiptJob implements IScheduledJob<ReceiptPayload> {
  constructor(private readonly outbox: Outbox) {}

  execute(payload: ReceiptPayload, context: ScheduledJobContext): void {
    if (payload.amount < 0)
      throw new Error(`negative amount on ${payload.orderId} (attempt ${context.attempt})`);
    this.outbox.sent.push(`${payload.orderId}:${payload.amount}`);
  }
}
