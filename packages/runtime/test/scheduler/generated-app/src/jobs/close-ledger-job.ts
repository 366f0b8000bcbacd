import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";
import type { Outbox } from "../outbox.js";

@ScheduledJob("ledger.close", { cron: "30 2 * * *", timeZone: "Europe/Vienna" })
export class CloseLedgerJob implements IScheduledJob<void> {
  constructor(private readonly outbox: Outbox) {}

  execute(): void {
    this.outbox.sent.push("ledger closed");
  }
}
