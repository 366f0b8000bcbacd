import type { ClaimStarts } from "../store-records.js";
import type { RunCompletionRow } from "./queue-rows.js";

// What the lease batcher keeps of a held run while its start or its outcome waits for a round trip.

/** A start question or start time waiting for the next round trip. */
export interface PendingStart {
  /** Set when the start is asked (see `LeaseBatcher.allowStart`). */
  allowedAtMs: number | null;
  /** Set when the body started (best effort: snapshots, the lease-expiry count). */
  startedAtMs: number | null;
  /** Told whether the body may start: `true` once allowed, `false` when refused or superseded. */
  readonly answers: ((allowed: boolean) => void)[];
}

/** An outcome waiting for (or in) a round trip; `resolve` answers whether it was recorded. */
export interface PendingCompletion {
  readonly row: RunCompletionRow;
  readonly resolve: ((accepted: boolean) => void) | null;
}

/** What is left of `starts` for a claim's fresh rows once `taken` prefetched runs come first. */
export function startsAfter(
  starts: ClaimStarts | undefined,
  taken: number,
): ClaimStarts | undefined {
  if (starts === undefined || taken === 0) return starts;
  const atOnce = Math.max(0, starts.atOnce - taken);
  const ahead = Math.max(0, starts.ahead - Math.max(0, taken - starts.atOnce));
  return { atOnce, ahead };
}
