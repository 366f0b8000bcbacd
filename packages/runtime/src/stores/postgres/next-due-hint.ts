/**
 * The earliest due time of queued work this process knows of, so `nextDueTime()` answers from
 * memory. Local inserts and NOTIFYs lower it at once; database answers replace it, keeping what
 * was learned while they were in flight; the slow poll corrects anything missed.
 */
export class NextDueHint {
  #known: number | null = null;
  #learnedInFlight: number | null = null;

  get value(): number | null {
    return this.#known;
  }

  /** Work due at `dueTimeMs` exists. Returns whether the dispatcher should look again (earlier or due now). */
  learn(dueTimeMs: number, nowMs: number): boolean {
    this.#learnedInFlight = minOrNull(this.#learnedInFlight, dueTimeMs);
    const before = this.#known;
    this.#known = minOrNull(before, dueTimeMs);
    return before === null || dueTimeMs < before || dueTimeMs <= nowMs;
  }

  /** A database round trip that will answer with the next due time starts now. */
  queryStarted(): void {
    this.#learnedInFlight = null;
  }

  /** The database's answer (earliest queued due time it saw, or `null`). */
  answered(dueTimeMs: number | null): void {
    this.#known = minOrNull(dueTimeMs, this.#learnedInFlight);
    this.#learnedInFlight = null;
  }

  /** Due work may remain beyond what a full claim batch took. */
  dueBy(nowMs: number): void {
    this.#known = minOrNull(this.#known, nowMs);
  }
}

export function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
