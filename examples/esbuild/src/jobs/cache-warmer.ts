import { ScheduledJob, type ScheduledJobContext } from "@elarion/runtime";

/** A recurring job on a static method: no instance, no dependencies. */
export class CacheWarmer {
  @ScheduledJob("cache.warm", { fixedRate: "500ms" })
  static warm(context: ScheduledJobContext): void {
    console.log(`  cache.warm occurrence (lag ${context.schedulingLagMs} ms)`);
  }
}
