import type { Logger } from "../core/logger.js";
import { messageOf } from "../core/error-message.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import type { Instrumentation } from "../state/instrumentation.js";
import { runLogFields } from "./run-log-fields.js";
import type { Run } from "./run.js";

/**
 * The dispatcher's store writes still in flight (outcomes, start marks, releases, claims), so that
 * `settle`, `whenIdle` and `stop` can wait for them. A write never rejects into the loop: a failed
 * one is logged, and a fenced write the store refused (`false`: the run is no longer this
 * process's) is logged as not recorded.
 */
export class StoreWrites {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly logger: Logger,
    private readonly instrumentation: Instrumentation | null,
    /** A tracked write settled (idle waiters may want to look again). */
    private readonly onSettled: () => void,
  ) {}

  /** How many writes are in flight. */
  get size(): number {
    return this.pending.size;
  }

  /** Tracks `result` (a store call's answer); `run`: the run it writes for, named in the logs. */
  track(result: MaybePromise<unknown>, run?: Run): void {
    if (!isPromise(result)) {
      this.checkFenced(result, run);
      return;
    }
    const tracked = result.then(
      (value) => this.checkFenced(value, run),
      (error: unknown) =>
        this.logger.error("store write failed", { runId: run?.runId, error: messageOf(error) }),
    );
    this.pending.add(tracked);
    void tracked.finally(() => {
      this.pending.delete(tracked);
      this.onSettled();
    });
  }

  /** Resolves once every write in flight now has settled (tracked writes never reject). */
  allSettled(): Promise<unknown> {
    return Promise.allSettled([...this.pending]);
  }

  private checkFenced(value: unknown, run: Run | undefined): void {
    if (value === false && run !== undefined) {
      this.logger.warn(
        `the outcome of run ${run.runId} of job "${run.jobName}" was not recorded: the store no longer assigns it to this process`,
        runLogFields(run, this.instrumentation),
      );
    }
  }
}
