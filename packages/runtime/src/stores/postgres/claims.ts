import type {
  ClaimStarts,
  ClaimedRun,
  RetryRequest,
  RunCompletion,
  RunTicket,
} from "../store-records.js";
import { ClaimConnection } from "./claim-connection.js";
import { screenClaimedRow } from "./claim-screening.js";
import { LeaseBatcher } from "./lease-batcher.js";
import { minOrNull } from "./next-due-hint.js";
import type { Retention } from "./retention.js";
import { toClaimedRun } from "./row-mapping.js";
import type { StoreContext } from "./store-context.js";
import type { StoreTimers } from "./store-timers.js";

/** How long the dispatcher waits before claiming again after a failed round trip. */
const CLAIM_RETRY_WAKE_MS = 500;

/**
 * The claim path of an open store: leases due runs for the dispatcher (at most `maxLeasedRuns`
 * held at once) and records how they ended, through the {@link LeaseBatcher}'s round trips.
 */
export class Claims {
  readonly leases: LeaseBatcher;
  /** Where claiming round trips run: a connection held while the store is open, pool permitting. */
  readonly connection: ClaimConnection;
  /** A claim was refused for want of room: wake the dispatcher when leases end. */
  #waitingForRoom = false;
  #retryWake: { cancel(): void } | null = null;

  constructor(
    private readonly context: StoreContext,
    timers: StoreTimers,
    retention: Retention,
    cancelsInFlight: () => Promise<unknown> | null,
  ) {
    const { host, options } = context;
    this.connection = ClaimConnection.forStore(context.pool, () => host.logger);
    this.leases = new LeaseBatcher(
      context.queue,
      context.pool,
      context.workerId,
      options.leaseMs,
      {
        now: () => host.now(),
        setTimer: (atMs, callback) => timers.after(atMs - host.now(), callback),
        screen: (row) => screenClaimedRow(row, host),
        nextDue: (dueTimeMs) => context.nextDue.answered(dueTimeMs),
        failed: (error) => this.#roundTripFailed(error, timers),
        completed: (count) => retention.after(count),
        keepFinishedJobs: retention.keepsFinishedJobs,
        cancelsInFlight,
        released: () => {
          if (this.#waitingForRoom && this.leases.heldCount < options.maxLeasedRuns) {
            this.#waitingForRoom = false;
            host.wake();
          }
        },
        logger: host.logger,
      },
      this.connection,
    );
  }

  async claimDueRuns(
    nowMs: number,
    limit: number,
    starts?: ClaimStarts,
  ): Promise<readonly ClaimedRun[]> {
    if (limit <= 0) return [];
    const room = this.context.options.maxLeasedRuns - this.leases.heldCount;
    if (room <= 0) {
      this.#waitingForRoom = true;
      return [];
    }
    const nextDue = this.context.nextDue;
    nextDue.queryStarted();
    const asked = Math.min(limit, room);
    const rows = await this.leases.claim(nowMs, asked, starts);
    if (rows.length === asked) {
      // A full batch: more may be due now. Say so, and wake the dispatcher when leases end.
      nextDue.dueBy(nowMs);
      if (asked < limit) this.#waitingForRoom = true;
    }
    return rows.map(toClaimedRun);
  }

  /** The earliest due time among prefetched runs and the queue, as far as this process knows. */
  nextDueTime(): number | null {
    return minOrNull(this.leases.earliestPrefetched(), this.context.nextDue.value);
  }

  markStarted(ticket: RunTicket, startedAtMs: number): Promise<boolean> | boolean {
    return this.leases.markStarted(ticket.claimed.runId, startedAtMs);
  }

  allowStart(ticket: RunTicket, atMs: number): Promise<boolean> {
    return this.leases.allowStart(ticket.claimed.runId, atMs);
  }

  completeRun(ticket: RunTicket, completion: RunCompletion): Promise<boolean> {
    return this.leases.complete({
      runId: ticket.claimed.runId,
      ...completion,
      message: storableText(completion.message),
    });
  }

  async scheduleRetry(ticket: RunTicket, retry: RetryRequest): Promise<boolean> {
    const accepted = await this.leases.complete({
      runId: ticket.claimed.runId,
      status: "failed",
      message: storableText(retry.lastError),
      startedAtMs: retry.startedAtMs,
      completedAtMs: retry.failedAtMs,
      retry: { runId: retry.newRunId, dueTimeMs: retry.dueTimeMs },
    });
    if (accepted) this.context.learnDue(retry.dueTimeMs);
    return accepted;
  }

  /** A durable queue outlives this process: a run that never started goes back for other workers. */
  async releaseRun(ticket: RunTicket): Promise<void> {
    await this.leases.release(ticket.claimed.runId);
  }

  /** A run whose job name was paused after its claim goes back (held) unchanged; `false` when the lease no longer holds. */
  returnRun(ticket: RunTicket): Promise<boolean> {
    return this.leases.release(ticket.claimed.runId);
  }

  /** Sends the last completions and gives prefetched runs back (see {@link LeaseBatcher.close}). */
  async close(): Promise<void> {
    this.#retryWake?.cancel();
    this.#retryWake = null;
    try {
      await this.leases.close();
    } finally {
      await this.connection.close();
    }
  }

  #roundTripFailed(error: unknown, timers: StoreTimers): void {
    const { host } = this.context;
    host.logger.error("postgresStore: claiming or completing runs failed; retrying", {
      error: this.context.describe(error, "claim or complete runs"),
    });
    if (this.#retryWake !== null) return;
    this.#retryWake = timers.after(CLAIM_RETRY_WAKE_MS, () => {
      this.#retryWake = null;
      host.wake();
    });
  }
}

/**
 * PostgreSQL stores no NUL character in text or jsonb: an error message with one (a body may throw
 * anything) would make the whole round trip fail. It is written out as the six characters `\u0000`.
 */
function storableText<T extends string | null>(text: T): T {
  return (
    text === null || !text.includes("\u0000") ? text : text.replaceAll("\u0000", "\\u0000")
  ) as T;
}
