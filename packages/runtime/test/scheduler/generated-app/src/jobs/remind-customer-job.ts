import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";
import type { Outbox } from "../outbox.js";

export interface ReminderPayload {
  orderId: string;
  /** Stored as its ISO string by the generated codec; execute receives a Date. */
  remindAt: Date;
}

@ScheduledJob("customers.remind")
export class RemindCustomerJob implements IScheduledJob<ReminderPayload> {
  constructor(private readonly outbox: Outbox) {}

  execute(payload: ReminderPayload): void {
    const received =
      payload.remindAt instanceof Date
        ? `Date ${payload.remindAt.toISOString()}`
        : `${typeof payload.remindAt} ${String(payload.remindAt)}`;
    this.outbox.sent.push(`remind ${payload.orderId}: ${received}`);
  }
}
