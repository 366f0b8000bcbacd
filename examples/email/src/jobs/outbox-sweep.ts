import { ScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import { activityLog } from "../activity-log.js";

/** A recurring job written as a static method: no instance and no dependencies are needed. */
export class Outbox {
  // Six cron fields (seconds first): every two seconds, so the short demo shows a few occurrences.
  @ScheduledJob("outbox.sweep", { cron: "*/2 * * * * *" })
  static sweep(context?: ScheduledJobContext): void {
    const due = context?.dueTime.toISOString().slice(11, 19) ?? "?";
    activityLog.write(`⟳  outbox.sweep occurrence due ${due} UTC: nothing stuck in the outbox`);
  }
}
