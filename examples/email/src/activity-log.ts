/** Prints the example's lines with the seconds elapsed since it started, e.g. `[ 5.0s] ...`. */
export class ActivityLog {
  private readonly startedAt = Date.now();

  write(line: string): void {
    const elapsed = ((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(4);
    console.log(`[${elapsed}s] ${line}`);
  }
}

/** The example's one log, shared by app code and jobs so their lines share one time axis. */
export const activityLog = new ActivityLog();
