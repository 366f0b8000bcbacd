import { ScheduledJob } from "@elarion/runtime";

export class LedgerArchive {
  /** The cron comes from the scheduler's variables (no default); the time zone beside it is literal. */
  @ScheduledJob("ledger.archive", { cron: "${ARCHIVE_CRON}", timeZone: "Europe/Vienna" })
  static archive(): void {}
}
