import type { Logger } from "../core/logger.js";

const YEAR_MS = 365.25 * 86_400_000;

/**
 * Warns when a `schedule` due time looks like epoch *seconds* (`Date.now() / 1000`): read as
 * milliseconds it falls in January–February 1970, so the run is due at once and nothing else
 * says so. A due time is taken for seconds when, multiplied by 1000, it lands between a year ago
 * and a hundred years ahead of the scheduler's clock — no one means a date in early 1970.
 *
 * The call is still accepted (a past due time runs at once, as documented), and the warning is
 * logged once per scheduler, not per call: a loop scheduling thousands of jobs with the same
 * mistake should not flood the log, and one line is enough to find it.
 */
export class EpochSecondsCheck {
  #warned = false;

  constructor(private readonly logger: Logger) {}

  check(dueTimeMs: number, nowMs: number, jobName: string): void {
    if (this.#warned || dueTimeMs >= nowMs) return;
    const asSeconds = dueTimeMs * 1000;
    if (asSeconds < nowMs - YEAR_MS || asSeconds > nowMs + 100 * YEAR_MS) return;
    this.#warned = true;
    this.logger.warn(
      `schedule(): the dueTime of job "${jobName}" is ${dueTimeMs} ms after the epoch (${new Date(dueTimeMs).toISOString()}), ` +
        "which looks like a count of seconds (Date.now() / 1000) rather than milliseconds: the run is due at once. " +
        "Pass epoch milliseconds (Date.now() + 60_000) or a Date. This warning is logged once per scheduler.",
      { jobName, dueTimeMs },
    );
  }
}
