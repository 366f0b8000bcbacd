import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { ReportSink } from "../report-sink.js";

export interface BuildReportPayload {
  title: string;
  values: number[];
}

/** A runtime job: sums the values and delivers a two-line report. */
@ScheduledJob("reports.build")
export class BuildReportJob implements IScheduledJob<BuildReportPayload> {
  constructor(private readonly sink: ReportSink) {}

  execute(payload: BuildReportPayload, context: ScheduledJobContext): void {
    const total = payload.values.reduce((sum, value) => sum + value, 0);
    this.sink.deliver(payload.title, [
      `${payload.values.length} values, total ${total}`,
      `run ${context.runId}`,
    ]);
  }
}
