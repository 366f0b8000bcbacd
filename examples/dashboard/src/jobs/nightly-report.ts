import { ScheduledJob } from "@elarion/runtime";

/** A cron job that is rarely due: "Run now" on the dashboard runs it off its grid. */
export class Reports {
  static built = 0;

  @ScheduledJob("reports.nightly", { cron: "0 3 * * *", timeZone: "Europe/Berlin" })
  static nightly(): void {
    Reports.built++;
  }
}
