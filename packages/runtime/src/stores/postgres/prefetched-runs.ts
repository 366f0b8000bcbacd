import type { ClaimedRunRow } from "./queue-rows.js";

/**
 * The lease batcher's `prefetched`: runs leased to this worker, screened "run", not yet handed to
 * the dispatcher — earliest due first, ties in claim order. A claim's rows are due already; a
 * look-ahead claim's are not yet, and wait here until they are (docs/postgres.md, "Claiming ahead").
 *
 * @example
 * ```ts
 * const prefetched = new PrefetchedRuns();
 * for (const row of claimedRows) prefetched.add(row);
 * const due = prefetched.takeDue(8, Date.now()); // at most 8, each due by now
 * ```
 */
export class PrefetchedRuns {
  readonly #rows: ClaimedRunRow[] = [];

  /** The runs, earliest due first (the lease invariants read them). */
  get rows(): readonly ClaimedRunRow[] {
    return this.#rows;
  }

  has(runId: string): boolean {
    return this.#rows.some((row) => row.runId === runId);
  }

  /** The earliest due time, or `null` when none waits. */
  earliestDueMs(): number | null {
    return this.#rows.length === 0 ? null : this.#rows[0]!.dueTimeMs;
  }

  /**
   * Adds a freshly leased run in due order, after every run due no later (so ties keep claim
   * order). A claim's rows arrive in due order, usually after what waits here: an append.
   */
  add(row: ClaimedRunRow): void {
    let at = this.#rows.length;
    while (at > 0 && this.#rows[at - 1]!.dueTimeMs > row.dueTimeMs) at -= 1;
    this.#rows.splice(at, 0, row);
  }

  /** Takes `runId` out; `false` when it was not here. */
  remove(runId: string): boolean {
    const index = this.#rows.findIndex((row) => row.runId === runId);
    if (index < 0) return false;
    this.#rows.splice(index, 1);
    return true;
  }

  /** Takes up to `limit` runs due by `nowMs`, earliest first. */
  takeDue(limit: number, nowMs: number): ClaimedRunRow[] {
    let due = 0;
    while (due < limit && due < this.#rows.length && this.#rows[due]!.dueTimeMs <= nowMs) due += 1;
    return due === 0 ? [] : this.#rows.splice(0, due);
  }

  /** Takes every run (close gives them back to the queue). */
  takeAll(): ClaimedRunRow[] {
    return this.#rows.splice(0);
  }
}
