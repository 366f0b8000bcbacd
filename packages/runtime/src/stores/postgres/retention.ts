import type { StoreContext } from "./store-context.js";

/**
 * Deletes finished jobs beyond the limits (`maxFinishedJobs`, default the scheduler's
 * `maxRetainedCompletedJobs`; `retention.maxAge`) and old recurring-slot claims
 * (sql/statements/delete-finished-jobs.sql, delete-old-occurrences.sql).
 *
 * One pass at a time: completions do not wait in line behind a pass, so passes could otherwise
 * pile up; whoever asks during a pass shares the single pass queued after it. Never rejects: a
 * failed pass is logged and the next one catches up.
 */
export class Retention {
  #finishedSincePass = 0;
  #inFlight: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  constructor(private readonly context: StoreContext) {}

  /**
   * `count` jobs just finished. A pass once as many jobs finished as an eighth of the limit (at
   * least one), so the table stays near the limit without a pass per completion; `null` otherwise.
   */
  after(count: number): Promise<void> | null {
    // Keeping none, the completions deleted the jobs they finished themselves; the poll's pass
    // catches the rest (jobs cancelled while queued, outcomes recorded one by one after a refusal).
    if (!this.keepsFinishedJobs) return null;
    this.#finishedSincePass += count;
    if (this.#finishedSincePass < Math.max(1, Math.floor(this.#maxFinishedJobs() / 8))) return null;
    this.#finishedSincePass = 0;
    return this.pass();
  }

  /** Runs a pass now, or joins the one queued behind the pass in flight. */
  pass(): Promise<void> {
    const inFlight = this.#inFlight;
    if (inFlight === null) {
      const pass = this.#apply().finally(() => {
        this.#inFlight = null;
      });
      this.#inFlight = pass;
      return pass;
    }
    this.#next ??= inFlight.then(() => {
      this.#next = null;
      return this.pass();
    });
    return this.#next;
  }

  /** Resolves when no pass is running or queued (a pass must not outlive the store, nor a pool it ends). */
  async settled(): Promise<void> {
    await (this.#next ?? this.#inFlight);
  }

  /**
   * `false` when no finished job is kept (`maxFinishedJobs` or `maxAge` zero): the completion that
   * finishes a job deletes it (complete-and-claim.sql, $12), as graphile-worker deletes a job it
   * completed, rather than recording an outcome that the next pass deletes again.
   */
  get keepsFinishedJobs(): boolean {
    return this.#maxFinishedJobs() > 0 && this.context.options.maxAgeMs > 0;
  }

  #maxFinishedJobs(): number {
    return this.context.options.maxFinishedJobs ?? this.context.host.maxRetainedCompletedJobs;
  }

  async #apply(): Promise<void> {
    const { options, host, queue, pool } = this.context;
    try {
      await queue.applyRetention(pool, {
        maxFinishedJobs: this.#maxFinishedJobs(),
        maxAgeMs: options.maxAgeMs,
        nowMs: host.now(),
        occurrenceHorizonMs: host.now() - options.occurrenceHorizonMs,
      });
    } catch (error) {
      host.logger.warn("postgresStore: retention failed; retrying later", {
        error: this.context.describe(error, "apply retention"),
      });
    }
  }
}
