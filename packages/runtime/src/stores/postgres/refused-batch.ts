import type { Logger } from "../../core/logger.js";
import type { PendingCompletion } from "./pending-leases.js";
import type { Queryable } from "./queryable.js";
import type { QueueRepository } from "./queue-repository.js";
import { separateRefusedOutcomes } from "./refused-outcomes.js";

/** Where the refused batch's statements go. */
export interface RefusedBatchTarget {
  readonly queue: QueueRepository;
  readonly db: Queryable;
  readonly owner: string;
  readonly leaseMs: number;
}

/** The lease batcher's collections this settles (see the class comment of `LeaseBatcher`). */
export interface RefusedBatchLeases {
  readonly held: Map<string, number>;
  readonly completions: Map<string, PendingCompletion>;
  readonly completing: Set<string>;
  readonly logger: Logger;
}

/**
 * The completions of a round trip PostgreSQL refused, recorded one by one (see
 * {@link separateRefusedOutcomes}), so one outcome the database cannot store neither holds back
 * the others nor keeps its run leased forever. Each leaves `completing`: recorded (its caller
 * hears the answer and its lease is forgotten), or back in `completions` when the connection failed
 * meanwhile. Answers how many were recorded, and whether some wait for a retry.
 *
 * @example
 * ```ts
 * const { recorded, retry } = await recordRefusedBatch(target, leases, completions, Date.now());
 * ```
 */
export async function recordRefusedBatch(
  target: RefusedBatchTarget,
  leases: RefusedBatchLeases,
  completions: readonly PendingCompletion[],
  nowMs: number,
): Promise<{ recorded: number; retry: boolean }> {
  const separated = await separateRefusedOutcomes(
    target.queue,
    target.db,
    target.owner,
    target.leaseMs,
    nowMs,
    completions.map((pending) => pending.row),
  );
  const toRetry = new Map(separated.retry.map((row) => [row.runId, row]));
  for (const { completion, error } of separated.abandoned) {
    leases.logger.error(
      "postgresStore: the outcome of a run could not be stored, not even as a failure; its lease will expire",
      {
        runId: completion.runId,
        error: error instanceof Error ? error.message : String(error),
      },
    );
  }
  let recorded = 0;
  for (const pending of completions) {
    const runId = pending.row.runId;
    leases.completing.delete(runId);
    const again = toRetry.get(runId);
    if (again !== undefined) {
      leases.completions.set(runId, { row: again, resolve: pending.resolve });
      continue;
    }
    leases.held.delete(runId);
    recorded += 1;
    pending.resolve?.(separated.answered.get(runId) ?? false);
  }
  return { recorded, retry: toRetry.size > 0 };
}
