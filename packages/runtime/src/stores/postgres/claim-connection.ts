import type pg from "pg";
import type { QueryConfig, QueryResult, QueryResultRow } from "pg";
import type { Logger } from "../../core/logger.js";
import { isConnectionError } from "./connection-errors.js";
import type { Queryable } from "./queryable.js";

/**
 * Connections of the pool a store leaves to everything else (enqueues, completion flushes,
 * heartbeats, polls, and the user's own queries and transactions) when it holds a claim
 * connection: a pool of pg's default `max` of 10 holds one, one of `max` 5 or less does not. Two
 * were too few: a user's transaction holding one connection while the store enqueued on another
 * left nothing for a third query (test/stores/postgres/keys-in-transactions.test.ts on a pool of 4).
 */
export const CLAIM_CONNECTION_RESERVE = 4;

/**
 * Connections held for as long as a store is open, per pool, over this process's open stores:
 * each store's LISTEN connection and its claim connection when it holds one. A store deciding
 * whether to hold a claim connection counts those of the stores already open on the same pool.
 */
const heldByStores = new WeakMap<pg.Pool, number>();

/**
 * The connection a store's claims run on (docs/postgres.md, "Your pool"). A claim that has to
 * open a pool connection first pays the connect and the new backend's first statement, which
 * also prepares the named statements: 65–80 ms measured against ~3–5 ms for a claim on a warm
 * connection, and pg's pool closes idle connections after 10 s, so a job due after a quiet spell
 * paid it. Holding one connection for claims keeps it warm, keeps its statements prepared, keeps
 * it out of the idle timeout, and keeps claims from waiting behind other statements for a pooled
 * connection.
 *
 * Held only when the pool is large enough: with `max` below the store's LISTEN connection, this
 * one and {@link CLAIM_CONNECTION_RESERVE} more (counting what other open stores of this process
 * hold on the same pool), claims borrow from the pool for each round trip as before, and a
 * small pool keeps its connections for other work.
 *
 * The connection is taken lazily and again after a loss: a query failing with a connection error
 * releases it as broken (the pool destroys it) and the next query takes a fresh one; an error
 * while it sits idle between claims (a server restart) does the same. A connection older than
 * the pool's `maxLifetimeSeconds` is given back (the pool ends it) and replaced.
 */
export class ClaimConnection implements Queryable {
  readonly #pool: pg.Pool;
  readonly #logger: () => Logger;
  /** Whether this store holds a connection for its claims (else each query borrows one). */
  readonly holds: boolean;
  readonly #maxLifetimeMs: number;
  #current: HeldClient | null = null;
  #taking: Promise<HeldClient> | null = null;
  #closed = false;

  private constructor(pool: pg.Pool, logger: () => Logger, holds: boolean) {
    this.#pool = pool;
    this.#logger = logger;
    this.holds = holds;
    const lifetime = (pool.options as { maxLifetimeSeconds?: number }).maxLifetimeSeconds ?? 0;
    this.#maxLifetimeMs = lifetime > 0 ? lifetime * 1000 : Infinity;
    heldByStores.set(pool, (heldByStores.get(pool) ?? 0) + this.#count());
  }

  /**
   * Registers a store opening on `pool` (its LISTEN connection) and decides whether it holds a
   * claim connection; {@link close} undoes both.
   */
  static forStore(pool: pg.Pool, logger: () => Logger): ClaimConnection {
    const max = (pool.options as { max?: number }).max ?? 10;
    const others = heldByStores.get(pool) ?? 0;
    const holds = max - others - 2 >= CLAIM_CONNECTION_RESERVE;
    return new ClaimConnection(pool, logger, holds);
  }

  /** Takes the connection now (when held), so the first claim finds it open. */
  async warm(): Promise<void> {
    if (this.holds) await this.#client();
  }

  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
  query<R extends QueryResultRow = QueryResultRow>(
    config: QueryConfig<unknown[]>,
  ): Promise<QueryResult<R>>;
  async query<R extends QueryResultRow = QueryResultRow>(
    config: string | QueryConfig<unknown[]>,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    if (!this.holds || this.#closed) {
      return typeof config === "string"
        ? this.#pool.query<R>(config, values)
        : this.#pool.query<R>(config);
    }
    const held = await this.#client();
    try {
      return typeof config === "string"
        ? await held.client.query<R>(config, values)
        : await held.client.query<R>(config);
    } catch (error) {
      if (isConnectionError(error)) this.#lose(held, error);
      throw error;
    }
  }

  /** Gives the connection back to the pool; later queries borrow from the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    heldByStores.set(this.#pool, (heldByStores.get(this.#pool) ?? 0) - this.#count());
    const taking = this.#taking;
    if (taking !== null) await taking.catch(() => undefined);
    const held = this.#current;
    this.#current = null;
    held?.release();
  }

  #count(): number {
    return this.holds ? 2 : 1;
  }

  #client(): Promise<HeldClient> {
    const held = this.#current;
    if (held !== null) {
      if (Date.now() - held.takenAtMs < this.#maxLifetimeMs) return Promise.resolve(held);
      this.#current = null;
      held.release();
    }
    // One take at a time: claims are serialised, but warm() may still be taking.
    this.#taking ??= this.#take().finally(() => {
      this.#taking = null;
    });
    return this.#taking;
  }

  async #take(): Promise<HeldClient> {
    const client = await this.#pool.connect();
    let released = false;
    const held: HeldClient = {
      client,
      takenAtMs: Date.now(),
      release: (error) => {
        if (released) return false;
        released = true;
        client.off("error", onError);
        client.off("end", onEnd);
        client.release(error);
        return true;
      },
    };
    // pg-pool removes its own listener from a client it hands out: without one, an error on this
    // connection while idle (a server restart) would be thrown and end the process.
    const onError = (error: Error): void => this.#lose(held, error);
    const onEnd = (): void => this.#lose(held, new Error("the claim connection ended"));
    client.on("error", onError);
    client.on("end", onEnd);
    if (this.#closed) {
      held.release();
      throw new Error("postgresStore: the store closed while taking its claim connection");
    }
    this.#current = held;
    return held;
  }

  /** A connection error: the connection is released as broken and the next query takes another. */
  #lose(held: HeldClient, error: unknown): void {
    if (this.#current === held) this.#current = null;
    const cause = error instanceof Error ? error : new Error(String(error));
    if (held.release(cause) && !this.#closed)
      this.#logger().warn(
        "postgresStore: the claim connection was lost; the next claim opens a new one",
        { error: cause.message },
      );
  }
}

interface HeldClient {
  readonly client: pg.PoolClient;
  readonly takenAtMs: number;
  /** Gives the client back (destroyed when `error` is given); `false` when it already was. */
  release(error?: Error): boolean;
}
