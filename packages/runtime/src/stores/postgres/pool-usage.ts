import type pg from "pg";
import type { Logger } from "../../core/logger.js";

/**
 * What the store does to a pool, given or its own (docs/postgres.md, "Your pool"): while the store
 * is open it listens to the pool's `'error'` event, and it listens to each client it borrows.
 *
 * Why: pg emits `'error'` on the pool when an idle connection dies (a server restart terminates
 * every session with 57P01), and on a borrowed client between two queries. An `EventEmitter` with
 * no listener throws that error, which ends the process. The next query opens a new connection, so
 * the error needs nothing but a listener. The store adds its own listener and never removes or
 * replaces the user's: their handlers keep receiving every error.
 */
export class PoolErrorListener {
  #attached = false;
  readonly #onError: (error: Error) => void;

  constructor(
    private readonly pool: pg.Pool,
    logger: () => Logger,
  ) {
    this.#onError = (error) => {
      logger().warn(
        "postgresStore: an idle pooled connection was lost; the next query opens a new one",
        { error: error.message },
      );
    };
  }

  /** Starts listening (idempotent). */
  attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.pool.on("error", this.#onError);
  }

  /** Removes the store's listener, and only it (idempotent). */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.pool.off("error", this.#onError);
  }
}

/**
 * Runs `work` on a client borrowed from `pool`. While borrowed, the client has an `'error'`
 * listener (pg-pool removes its own on checkout), so a connection lost between two statements
 * rejects the statement instead of ending the process; such a client is released as broken and
 * the pool discards it.
 */
export async function withPooledClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost ??= error;
  };
  client.on("error", onError);
  try {
    return await work(client);
  } finally {
    client.off("error", onError);
    client.release(lost);
  }
}
