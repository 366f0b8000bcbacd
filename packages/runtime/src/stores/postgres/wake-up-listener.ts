import type pg from "pg";
import type { ClockTimer } from "../../core/clock.js";
import type { StoreHost } from "../store-host.js";
import { parseWakeUpNotice, type WakeUpNotice } from "./notifications.js";
import type { SchemaName } from "./schema-name.js";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** What the listener reports to its store. */
export interface WakeUpListenerEvents {
  notice(notice: WakeUpNotice): void;
  /** Listening again after a lost connection: notices may have been missed meanwhile. */
  reconnected(): void;
}

/**
 * One dedicated connection that `LISTEN`s on the schema's channel. A lost connection is replaced
 * with exponential back-off (100 ms doubling to 5 s, with jitter, on the scheduler's clock) until
 * `stop()`.
 */
export class WakeUpListener {
  #connection: { readonly client: pg.PoolClient; release(error?: Error): void } | null = null;
  #stopped = false;
  #retryTimer: ClockTimer | null = null;
  #failures = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: SchemaName,
    private readonly events: WakeUpListenerEvents,
    private readonly host: Pick<StoreHost, "now" | "setTimer" | "logger">,
  ) {}

  /** Connects and listens; throws when the first connection fails. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#listen();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#retryTimer?.cancel();
    this.#retryTimer = null;
    const connection = this.#connection;
    this.#connection = null;
    if (connection === null) return;
    try {
      await connection.client.query(`UNLISTEN ${this.schema.quotedChannel}`);
      connection.release();
    } catch (error) {
      connection.release(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async #listen(): Promise<void> {
    const client = await this.pool.connect();
    let released = false;
    const onNotification = (message: pg.Notification): void => {
      const notice = parseWakeUpNotice(message.payload);
      if (notice !== null) this.events.notice(notice);
    };
    const onError = (error: Error): void => onLost(error);
    const onEnd = (): void => onLost(new Error("the connection ended"));
    const release = (error?: Error): void => {
      if (released) return;
      released = true;
      client.off("notification", onNotification);
      client.off("error", onError);
      client.off("end", onEnd);
      client.release(error);
    };
    const connection = { client, release };
    const onLost = (error: Error): void => {
      if (released) return;
      if (this.#connection === connection) this.#connection = null;
      release(error);
      if (!this.#stopped) {
        this.host.logger.warn("postgresStore: the LISTEN connection was lost; reconnecting", {
          error: error.message,
        });
        this.#scheduleReconnect();
      }
    };
    client.on("error", onError);
    client.on("end", onEnd);
    client.on("notification", onNotification);
    try {
      await client.query(`LISTEN ${this.schema.quotedChannel}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (this.#stopped) {
      release();
      return;
    }
    this.#connection = connection;
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#retryTimer !== null) return;
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#failures);
    const delay = base / 2 + Math.random() * (base / 2);
    this.#retryTimer = this.host.setTimer(this.host.now() + delay, () => {
      this.#retryTimer = null;
      this.#listen().then(
        () => {
          this.#failures = 0;
          if (!this.#stopped) this.events.reconnected();
        },
        () => {
          this.#failures += 1;
          this.#scheduleReconnect();
        },
      );
    });
  }
}
