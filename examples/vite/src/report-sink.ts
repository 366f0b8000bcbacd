/** Where `BuildReportJob` delivers a finished report. Its type name, `ReportSink`, is the service key. */
export interface ReportSink {
  deliver(title: string, lines: readonly string[]): void;
}

/** Keeps delivered reports in memory, so the app and its spec can look at them. */
export class MemoryReportSink implements ReportSink {
  readonly delivered: { title: string; lines: readonly string[] }[] = [];

  deliver(title: string, lines: readonly string[]): void {
    this.delivered.push({ title, lines });
  }
}
