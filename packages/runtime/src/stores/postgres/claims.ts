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
import { startsAfter } from "./pending-leases.js";
import type { Retention } from "./retention.js";
import { toClaimedRun } from "./row-mapping.js";
import type { StoreContext } from "./store-context.js";
import type { StoreTimers } from "./store-timers.js";

/** How long the dispatcher waits before claiming again after a failed round trip. */
const CLAIM_RETRY_WAKE_MS = 500;
/**
 * A look-ahead claim starts when the earliest queued run this process knows of is due within
 * this lead, and leases the runs due within {@link LOOK_AHEAD_MS}; they wait in the lease
 * batcher's prefetch and are handed out when due, with no round trip then. Without it, a run was
 * claimed only once due, and its start waited for the claim's round trip (~3 ms alone, 6–37 ms
 * beside group commits and retention on the benchmark machine), and for any claim still in
 * flight before it. The lead covers such a round trip; the window spaces the claims out.
 */
const LOOK_AHEAD_LEAD_MS = 40;
const LOOK_AHEAD_MS = 80;
/** Runs leased by one look-ahead claim at most (further ones are claimed when due). */
const LOOK_AHEAD_BATCH = 256;

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
  #ahead: { readonly atMs: number; cancel(): void } | null = null;
  #aheadInFlight = false;
  /** This process claims runs (an enqueue-only process never does, and never claims ahead). */
  #claiming = false;
  #closed = false;

  constructor(
    private readonly context: StoreContext,
    private readonly timers: StoreTimers,
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
    this.#claiming = true;
    const nextDue = this.context.nextDue;
    // Runs a look-ahead claim leased are handed out when due without a round trip, unless more is
    // known to be due. A look-ahead claim in flight may be bringing the runs due now: wait for it.
    let ready = await this.leases.takeDue(nowMs, limit);
    if (ready.length === 0 && this.leases.claiming && !this.#dueBy(nowMs)) {
      await this.leases.claimsAnswered();
      ready = await this.leases.takeDue(nowMs, limit);
    }
    if (ready.length === limit || (ready.length > 0 && !this.#dueBy(nowMs)))
      return ready.map(toClaimedRun);
    const room = this.context.options.maxLeasedRuns - this.leases.heldCount;
    if (room <= 0) {
      this.#waitingForRoom = true;
      return ready.map(toClaimedRun);
    }
    nextDue.queryStarted();
    const asked = Math.min(limit - ready.length, room);
    const rows = await this.leases.claim(nowMs, asked, startsAfter(starts, ready.length));
    if (rows.length === asked) {
      // A full batch: more may be due now. Say so, and wake the dispatcher when leases end.
      nextDue.dueBy(nowMs);
      if (asked < limit - ready.length) this.#waitingForRoom = true;
    }
    return [...ready, ...rows].map(toClaimedRun);
  }

  /**
   * The earliest due time among prefetched runs and the queue, as far as this process knows. The
   * dispatcher asks before it sleeps: a look-ahead claim is arranged for the queued run.
   */
  nextDueTime(): number | null {
    this.#arrangeLookAhead();
    return minOrNull(this.leases.earliestPrefetched(), this.context.nextDue.value);
  }

  /** Whether queued work is known to be due by `nowMs` (beyond what the prefetch holds). */
  #dueBy(nowMs: number): boolean {
    const known = this.context.nextDue.value;
    return known !== null && known <= nowMs;
  }

  /**
   * Arms the look-ahead claim for the earliest queued run known, or starts it when that run is due
   * within the lead. Nothing when work is due already (the dispatcher is claiming it).
   */
  #arrangeLookAhead(): void {
    const { host, nextDue } = this.context;
    const known = nextDue.value;
    const nowMs = host.now();
    if (
      !this.#claiming ||
      this.#closed ||
      this.#aheadInFlight ||
      known === null ||
      known <= nowMs
    ) {
      this.#ahead?.cancel();
      this.#ahead = null;
      return;
    }
    const atMs = known - LOOK_AHEAD_LEAD_MS;
    if (atMs <= nowMs) {
      this.#ahead?.cancel();
      this.#ahead = null;
      this.#claimAhead(nowMs);
      return;
    }
    if (this.#ahead?.atMs === atMs) return;
    this.#ahead?.cancel();
    const timer = this.timers.after(atMs - nowMs, () => {
      if (this.#ahead === armed) this.#ahead = null;
      this.#arrangeLookAhead();
    });
    const armed = { atMs, cancel: () => timer.cancel() };
    this.#ahead = armed;
  }

  #claimAhead(nowMs: number): void {
    const { host, nextDue, options } = this.context;
    const limit = Math.min(LOOK_AHEAD_BATCH, options.maxLeasedRuns - this.leases.heldCount);
    if (limit <= 0) return;
    this.#aheadInFlight = true;
    nextDue.queryStarted();
    let failed = false;
    this.leases
      .prefetchAhead(nowMs + LOOK_AHEAD_MS, limit)
      .then(
        (leased) => {
          // A full batch: runs due by now may remain (the dispatcher claims them).
          if (leased === limit) nextDue.dueBy(nowMs);
        },
        (error: unknown) => {
          failed = true;
          this.#roundTripFailed(error, this.timers);
        },
      )
      .finally(() => {
        this.#aheadInFlight = false;
        // After a failure the dispatcher's retry wake claims again (and arranges the next look-ahead
        // claim): claiming ahead again at once would spin while the server is down.
        if (this.#closed || failed) return;
        const first = this.leases.earliestPrefetched();
        // Normally the dispatcher's timer is set for these runs already; a slow answer may have
        // let one fall due, or a full batch left work due now.
        if ((first !== null && first <= host.now()) || this.#dueBy(host.now())) host.wake();
        else this.#arrangeLookAhead();
      });
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
    this.#closed = true;
    this.#ahead?.cancel();
    this.#ahead = null;
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
