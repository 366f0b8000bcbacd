import { isConnectionError } from "./connection-errors.js";
import type { Queryable } from "./queryable.js";
import type { QueueRepository } from "./queue-repository.js";
import type { RunCompletionRow } from "./queue-rows.js";

/** What became of each completion of a refused batch. */
export interface SeparatedOutcomes {
  /** Answered by the database: `true` recorded (possibly as the failure that replaced it), `false` fenced. */
  readonly answered: ReadonlyMap<string, boolean>;
  /** Not answered because the connection failed meanwhile: send again later, as they are. */
  readonly retry: readonly RunCompletionRow[];
  /** Refused even as a plain failure: given up (their leases expire; see docs/postgres.md). */
  readonly abandoned: readonly { readonly completion: RunCompletionRow; readonly error: unknown }[];
}

/**
 * A batch of completions that PostgreSQL refused for a reason other than the connection (a
 * statement error: it would refuse the same batch again, forever, holding back every outcome and
 * claim that joins it) is recorded one completion at a time. A completion refused on its own is
 * replaced by a plain `failed` outcome whose message says why its own outcome could not be stored;
 * one refused even then is abandoned: its lease is no longer extended, so it expires and the run is
 * handled like a lost worker's (run again, or failed after `maxLeaseExpiries`). Never leaves a run
 * leased forever, never holds back the others.
 *
 * @example
 * ```ts
 * const { answered, retry } = await separateRefusedOutcomes(queue, pool, owner, leaseMs, Date.now(), batch);
 * ```
 */
export async function separateRefusedOutcomes(
  queue: QueueRepository,
  db: Queryable,
  owner: string,
  leaseMs: number,
  nowMs: number,
  completions: readonly RunCompletionRow[],
): Promise<SeparatedOutcomes> {
  const answered = new Map<string, boolean>();
  const retry: RunCompletionRow[] = [];
  const abandoned: { completion: RunCompletionRow; error: unknown }[] = [];
  const record = async (completion: RunCompletionRow): Promise<boolean> => {
    const result = await queue.completeAndClaim(db, [completion], [], {
      owner,
      nowMs,
      limit: 0,
      leaseMs,
    });
    return result.completed.has(completion.runId);
  };
  for (const [index, completion] of completions.entries()) {
    try {
      answered.set(completion.runId, await record(completion));
    } catch (error) {
      if (isConnectionError(error)) {
        retry.push(...completions.slice(index));
        break;
      }
      const replacement: RunCompletionRow = {
        runId: completion.runId,
        claims: completion.claims,
        status: "failed",
        message: `The outcome of this run (${completion.status}) could not be stored: ${firstLine(error)}.`,
        startedAtMs: completion.startedAtMs,
        completedAtMs: completion.completedAtMs,
      };
      try {
        answered.set(completion.runId, await record(replacement));
      } catch (again) {
        if (isConnectionError(again)) retry.push(replacement);
        else abandoned.push({ completion, error: again });
      }
    }
  }
  return { answered, retry, abandoned };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n", 1)[0] ?? text).replace(/\.$/, "");
}
