import { ScheduledJob, type ScheduledJobContext } from "@elarion/runtime";

/** Recurring, every second: pause it in the dashboard and its slots are recorded skipped / "paused". */
export class Inventory {
  static syncs = 0;

  @ScheduledJob("inventory.sync", { fixedRate: "1s" })
  static sync(_context?: ScheduledJobContext): void {
    Inventory.syncs++;
  }
}
