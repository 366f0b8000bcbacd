import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";

export interface ExportPayload {
  dataset: string;
}

/** A long export: it runs until it is cancelled (or the scheduler stops), so the dashboard shows it running. */
@ScheduledJob("exports.build")
export class BuildExportJob implements IScheduledJob<ExportPayload> {
  execute(_payload: ExportPayload, context: ScheduledJobContext): Promise<void> {
    return new Promise((_resolve, reject) => {
      context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
    });
  }
}
