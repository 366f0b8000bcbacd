import type { ClaimedRunRow } from "./queue-rows.js";

/** The lease batcher's collections, read-only (see the class comment of `LeaseBatcher`). */
export interface LeaseCollections {
  readonly held: ReadonlyMap<string, number>;
  readonly prefetched: readonly ClaimedRunRow[];
  readonly completions: ReadonlyMap<string, unknown>;
  readonly completing: ReadonlySet<string>;
  readonly starts: ReadonlyMap<string, unknown>;
}

/**
 * The invariants between the lease batcher's collections that do not hold right now, as sentences
 * (empty when all hold). For tests; cheap enough to call after every step.
 *
 * @example
 * ```ts
 * expect(leaseInvariantViolations({ held, prefetched, completions, completing, starts })).toEqual([]);
 * ```
 */
export function leaseInvariantViolations(leases: LeaseCollections): string[] {
  const { held, completions, completing, starts } = leases;
  const problems: string[] = [];
  const prefetched = new Set<string>();
  for (const row of leases.prefetched) {
    prefetched.add(row.runId);
    if (held.get(row.runId) !== row.claims)
      problems.push(`prefetched run ${row.runId} is not held under token ${row.claims}`);
  }
  for (const runId of completions.keys())
    if (!held.has(runId)) problems.push(`pending completion of run ${runId}, which is not held`);
  for (const runId of completing)
    if (!held.has(runId)) problems.push(`completion in flight of run ${runId}, which is not held`);
  for (const runId of starts.keys())
    if (!held.has(runId)) problems.push(`pending start mark of run ${runId}, which is not held`);
  for (const runId of completions.keys()) {
    if (completing.has(runId))
      problems.push(`run ${runId} is both pending completion and being completed`);
    if (prefetched.has(runId))
      problems.push(`run ${runId} is both prefetched and pending completion`);
  }
  for (const runId of completing)
    if (prefetched.has(runId)) problems.push(`run ${runId} is both prefetched and being completed`);
  for (const runId of starts.keys()) {
    if (completions.has(runId) || completing.has(runId))
      problems.push(`run ${runId} has a start mark pending although its outcome is known`);
  }
  return problems;
}
