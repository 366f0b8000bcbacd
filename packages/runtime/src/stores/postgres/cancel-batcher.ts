import type { CancelRepository, CancelTarget } from "./cancel-repository.js";
import type { Queryable } from "./queryable.js";
import type { CancelRow } from "./queue-rows.js";

interface PendingCancel extends CancelTarget {
  readonly atMs: number;
  readonly resolve: (row: CancelRow) => void;
  readonly reject: (error: unknown) => void;
}

/** Cancels judged together by one statement at most (a longer statement holds its rows' locks longer). */
const MAX_BATCH = 500;
/** Groups in flight at once: one statement runs while the next group's round trip travels. */
const MAX_GROUPS_IN_FLIGHT = 2;

/**
 * Group commit for cancels. A lone cancel is one prepared statement in its own implicit
 * transaction (sql/statements/cancel-job.sql, cancel-run.sql): one round trip, no BEGIN/COMMIT.
 * Cancels asked for while others are in flight go together into ONE statement with array
 * parameters (sql/statements/cancel-many.sql): one round trip and one commit's flush for the group,
 * where a transaction of one statement each cost a round trip per cancel.
 *
 * What each call decides and answers is exactly what its statement alone would: cancel-many judges
 * the items in call order (a second cancel of the same queued job finds it finished and answers
 * "not-found"), and no call hears back before its statement committed. If the group's statement
 * is refused by the server (an error with a SQLSTATE, a deadlock with another process's cancels,
 * say), nothing of it took effect, so its calls run again one by one, each answering or failing on
 * its own; if the connection failed instead, whether the group took effect is unknown, so every
 * call of the group fails with that error, as a lone statement whose commit was lost would.
 *
 * @example
 * ```ts
 * const cancels = new CancelBatcher(new CancelRepository(schema), pool);
 * const rows = await Promise.all(jobIds.map((jobId) => cancels.cancelJob(jobId, Date.now()))); // one statement, or a few
 * ```
 */
export class CancelBatcher {
  readonly #pending: PendingCancel[] = [];
  #inFlight = 0;

  constructor(
    private readonly statements: CancelRepository,
    private readonly db: Queryable,
  ) {}

  cancelJob(jobId: string, atMs: number): Promise<CancelRow> {
    return this.#enqueue("job", jobId, atMs);
  }

  cancelRun(runId: string, atMs: number): Promise<CancelRow> {
    return this.#enqueue("run", runId, atMs);
  }

  #enqueue(target: "job" | "run", id: string, atMs: number): Promise<CancelRow> {
    return new Promise<CancelRow>((resolve, reject) => {
      this.#pending.push({ target, id, atMs, resolve, reject });
      if (this.#inFlight < MAX_GROUPS_IN_FLIGHT) {
        this.#inFlight += 1;
        // After this tick, so calls made together (Promise.all) start as one group.
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const group = this.#pending.splice(0, MAX_BATCH);
      if (group.length === 1) await this.#runAlone(group[0]!);
      else await this.#runTogether(group);
    }
    this.#inFlight -= 1;
  }

  /** One statement in its own (implicit) transaction, as if there were no batcher. */
  async #runAlone(cancel: PendingCancel): Promise<void> {
    try {
      cancel.resolve(
        cancel.target === "job"
          ? await this.statements.cancelJob(this.db, cancel.id, cancel.atMs)
          : await this.statements.cancelRun(this.db, cancel.id, cancel.atMs),
      );
    } catch (error) {
      cancel.reject(error);
    }
  }

  async #runTogether(group: readonly PendingCancel[]): Promise<void> {
    let rows: CancelRow[];
    try {
      // The group's latest clock reading: a run cancelled here completes no earlier than any call of the group was made.
      const atMs = Math.max(...group.map((cancel) => cancel.atMs));
      rows = await this.statements.cancelMany(this.db, group, atMs);
    } catch (error) {
      if (!refusedByServer(error)) {
        for (const cancel of group) cancel.reject(error);
        return;
      }
      // Nothing of the group took effect: each call runs again on its own and answers for itself.
      for (const cancel of group) await this.#runAlone(cancel);
      return;
    }
    group.forEach((cancel, index) => cancel.resolve(rows[index]!));
  }
}

/**
 * An error the server answered with (it carries a SQLSTATE): the statement's implicit transaction
 * was rolled back. Anything else (a connection lost mid-statement) leaves its outcome unknown.
 */
function refusedByServer(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}
