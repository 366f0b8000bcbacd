import type { CancelRepository } from "./cancel-repository.js";
import type { Queryable } from "./queryable.js";
import type { CancelRow } from "./queue-rows.js";

/** A connection held for one transaction (a `pg.PoolClient`). */
export interface HeldConnection extends Queryable {
  /** Gives the connection back; with an error, the pool closes it (its transaction state is unknown). */
  release(error?: Error | boolean): void;
}

/** What the batcher needs from the store's pool: one-off statements, and a connection for a transaction. */
export interface CancelConnections extends Queryable {
  connect(): Promise<HeldConnection>;
}

interface PendingCancel {
  readonly target: "job" | "run";
  readonly id: string;
  readonly atMs: number;
  readonly resolve: (row: CancelRow) => void;
  readonly reject: (error: unknown) => void;
}

/** Cancels committed together at most (a longer transaction holds its rows' locks longer). */
const MAX_BATCH = 500;
/** Groups in flight at once: one statement runs while the next group's round trips travel. */
const MAX_GROUPS_IN_FLIGHT = 2;

/**
 * Group commit for cancels. A cancel is one short statement (sql/statements/cancel-job.sql,
 * cancel-run.sql) whose time is almost all its commit's flush to disk; cancels asked for while
 * others are in flight run together in ONE transaction, each still its own statement, so N
 * concurrent cancels cost one flush instead of N. A lone call runs at once on its own (no added
 * latency, no extra round trips).
 *
 * What each call decides and answers is exactly what its statement alone would: the statements of
 * a group run one after another in call order (a second cancel of the same job sees the first and
 * answers "not-found"), and no call hears back before its transaction committed. If a statement of
 * a group fails (a deadlock with another process's cancels, say), the group is rolled back and its
 * calls run again one by one, each answering or failing on its own; if the COMMIT itself fails,
 * whether the group took effect is unknown, so every call of the group fails with that error, as a
 * lone statement whose commit failed would.
 *
 * @example
 * ```ts
 * const cancels = new CancelBatcher(new CancelRepository(schema), pool);
 * const rows = await Promise.all(jobIds.map((jobId) => cancels.cancelJob(jobId, Date.now()))); // one commit, or a few
 * ```
 */
export class CancelBatcher {
  readonly #pending: PendingCancel[] = [];
  #inFlight = 0;

  constructor(
    private readonly statements: CancelRepository,
    private readonly connections: CancelConnections,
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
  async #runAlone(cancel: PendingCancel, db: Queryable = this.connections): Promise<void> {
    try {
      cancel.resolve(await this.#statement(db, cancel));
    } catch (error) {
      cancel.reject(error);
    }
  }

  async #runTogether(group: readonly PendingCancel[]): Promise<void> {
    let connection: HeldConnection;
    try {
      connection = await this.connections.connect();
    } catch (error) {
      for (const cancel of group) cancel.reject(error);
      return;
    }
    const rows: CancelRow[] = [];
    try {
      await connection.query("BEGIN");
      for (const cancel of group) rows.push(await this.#statement(connection, cancel));
    } catch {
      // Nothing of the group took effect: each call runs again on its own and answers for itself.
      const rolledBack = await connection.query("ROLLBACK").then(
        () => true,
        () => false,
      );
      connection.release(!rolledBack);
      for (const cancel of group) await this.#runAlone(cancel);
      return;
    }
    try {
      await connection.query("COMMIT");
    } catch (error) {
      connection.release(true);
      for (const cancel of group) cancel.reject(error);
      return;
    }
    connection.release();
    group.forEach((cancel, index) => cancel.resolve(rows[index]!));
  }

  #statement(db: Queryable, cancel: PendingCancel): Promise<CancelRow> {
    return cancel.target === "job"
      ? this.statements.cancelJob(db, cancel.id, cancel.atMs)
      : this.statements.cancelRun(db, cancel.id, cancel.atMs);
  }
}
