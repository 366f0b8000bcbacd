import type pg from "pg";
import type { StoreHost } from "../store-host.js";
import type { NextDueHint } from "./next-due-hint.js";
import type { ResolvedPostgresStoreOptions } from "./postgres-store-options.js";
import type { QueueRepository } from "./queue-repository.js";

/** What the parts of an open store (claims, cancels, background tasks) share. */
export interface StoreContext {
  readonly options: ResolvedPostgresStoreOptions;
  readonly pool: pg.Pool;
  readonly queue: QueueRepository;
  /** This process's lease owner id (runs.owner). */
  readonly workerId: string;
  readonly host: StoreHost;
  /** The earliest due time of queued work this process knows of. */
  readonly nextDue: NextDueHint;
  /** An error's message for a log line, naming the server when the connection is the problem. */
  describe(error: unknown, doing: string): string;
  /** New work due at `dueTimeMs` exists (a notice, a local insert or retry): wake the dispatcher if it must look again. */
  learnDue(dueTimeMs: number): void;
}
