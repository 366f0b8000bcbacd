import type pg from "pg";
import { coded } from "../../core/runtime-errors.js";
import { parseDuration, type Duration } from "../../policy/duration.js";
import { schemaName, type SchemaName } from "./schema-name.js";

/** Options of {@link postgresStore}. Give either `pool` (recommended) or `connectionString`. */
export interface PostgresStoreOptions {
  /** Your `pg.Pool`. The store borrows one connection for `LISTEN` for as long as it is open. */
  pool?: pg.Pool;
  /** Used when no `pool` is given; the store then owns its pool (`end()` closes it). */
  connectionString?: string;
  /** Schema for the store's tables, created by migrations. Default `"elarion"`. */
  schema?: string;
  /** How long a claimed run stays leased without a heartbeat before another worker may run it. Default 30 s. */
  leaseMs?: number;
  /** How often held leases are extended. Default a third of `leaseMs`. */
  heartbeatMs?: number;
  /**
   * Most runs this process leases at once (running or waiting for a concurrency slot). Keeps one
   * worker from taking the whole queue while others idle, and bounds what a crash delays (by up to
   * `leaseMs`). Keep it above the scheduler's `maxConcurrentExecutions`, or slots stay empty. Default 256.
   */
  maxLeasedRuns?: number;
  /** Fallback poll (expired leases, missed notifications). Default 5 s. */
  pollIntervalMs?: number;
  /**
   * How many times a run's lease may expire (its worker was lost while holding it: crash, OOM,
   * kill -9) before the run ends `failed` instead of going back to the queue. Bounds the damage of
   * a job whose body kills its worker. Default 3.
   *
   * Only runs whose body had started count: the runs a lost worker had claimed but not started are
   * never failed for it. The price: a body that kills its process before its start mark is written
   * (start marks are batched, a few milliseconds) is not counted and is retried without bound.
   * Runs that were running beside the culprit do count; raise the bound if workers are often lost
   * for other reasons.
   *
   * @example
   * ```ts
   * postgresStore({ pool, maxLeaseExpiries: 5 }); // tolerate more lost workers per run
   * ```
   */
  maxLeaseExpiries?: number;
  /**
   * Finished runtime jobs to keep. `maxFinishedJobs` defaults to the scheduler's
   * `maxRetainedCompletedJobs`; `maxAge` (a Duration) to 7 days. Recurring-slot claims are kept for
   * `occurrenceHorizon` (default 7 days): longer than any misfire catch-up window you use.
   */
  retention?: { maxFinishedJobs?: number; maxAge?: Duration; occurrenceHorizon?: Duration };
}

/** {@link PostgresStoreOptions} checked and filled in. */
export interface ResolvedPostgresStoreOptions {
  readonly pool: pg.Pool | null;
  readonly connectionString: string | null;
  readonly schema: SchemaName;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly pollIntervalMs: number;
  readonly maxLeasedRuns: number;
  readonly maxLeaseExpiries: number;
  readonly maxFinishedJobs: number | null;
  readonly maxAgeMs: number;
  readonly occurrenceHorizonMs: number;
}

const DAY_MS = 86_400_000;

/** Default of {@link PostgresStoreOptions.maxLeaseExpiries}. */
export const DEFAULT_MAX_LEASE_EXPIRIES = 3;

/** Node's largest timer delay: `setTimeout`/`setInterval` fire after 1 ms (with a warning) above it. */
const NODE_TIMER_LIMIT_MS = 2_147_483_647;
/** PostgreSQL's largest `integer`, the type counts are passed as. */
const MAX_INTEGER = 2_147_483_647;

/** A duration the store waits with a Node timer (or passes to SQL as whole ms), or a clear error. */
function timerMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > NODE_TIMER_LIMIT_MS
  ) {
    throw coded(
      new RangeError(
        `postgresStore: ${name} must be a whole number of milliseconds from 1 to ${NODE_TIMER_LIMIT_MS} (Node's timer limit, about 24.8 days), got ${typeof value === "string" ? JSON.stringify(value) : String(value)}.`,
      ),
      "ELR510",
    );
  }
  return value;
}

/** A count passed to PostgreSQL as an `integer`, or a clear error. */
function wholeCount(
  value: unknown,
  name: string,
  min: number,
  fallback: number,
  meaning = "",
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_INTEGER) {
    throw coded(
      new RangeError(
        `postgresStore: ${name} must be a whole number from ${min} to ${MAX_INTEGER}${meaning}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}.`,
      ),
      "ELR510",
    );
  }
  return value;
}

function durationMs(value: Duration, what: string): number {
  try {
    return parseDuration(value, what);
  } catch (error) {
    throw coded(error instanceof Error ? error : new RangeError(String(error)), "ELR510");
  }
}

export function resolvePostgresStoreOptions(
  options: PostgresStoreOptions,
): ResolvedPostgresStoreOptions {
  if (typeof options !== "object" || options === null) {
    throw coded(
      new TypeError(
        'postgresStore: pass options, e.g. postgresStore({ pool }) or postgresStore({ connectionString: "postgres://..." }).',
      ),
      "ELR510",
    );
  }
  const pool = options.pool ?? null;
  const connectionString = options.connectionString ?? null;
  if (pool === null && connectionString === null) {
    throw coded(
      new TypeError(
        'postgresStore: give a pg.Pool ({ pool }) or a connection string ({ connectionString: "postgres://user@host:5432/db" }).',
      ),
      "ELR510",
    );
  }
  if (pool !== null && connectionString !== null) {
    throw coded(
      new TypeError(
        "postgresStore: give either pool or connectionString, not both (the pool already knows where to connect).",
      ),
      "ELR510",
    );
  }
  if (
    pool !== null &&
    (typeof pool !== "object" ||
      typeof pool.connect !== "function" ||
      typeof pool.query !== "function")
  ) {
    throw coded(
      new TypeError("postgresStore: options.pool must be a pg.Pool (new pg.Pool({ ... }))."),
      "ELR510",
    );
  }
  if (
    connectionString !== null &&
    (typeof connectionString !== "string" || connectionString.trim() === "")
  ) {
    throw coded(
      new TypeError(
        'postgresStore: options.connectionString must be a non-empty string like "postgres://user@host:5432/db".',
      ),
      "ELR510",
    );
  }
  const leaseMs = timerMs(options.leaseMs, "leaseMs", 30_000);
  const heartbeatMs = timerMs(
    options.heartbeatMs,
    "heartbeatMs",
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  if (heartbeatMs >= leaseMs) {
    throw coded(
      new RangeError(
        `postgresStore: heartbeatMs (${heartbeatMs}) must be shorter than leaseMs (${leaseMs}), or leases expire while runs are healthy; a third of it is a good value.`,
      ),
      "ELR510",
    );
  }
  const maxLeasedRuns = wholeCount(options.maxLeasedRuns, "maxLeasedRuns", 1, 256);
  const maxLeaseExpiries = wholeCount(
    options.maxLeaseExpiries,
    "maxLeaseExpiries",
    1,
    DEFAULT_MAX_LEASE_EXPIRIES,
    " (how many lost workers a run survives before it ends failed)",
  );
  const retention = options.retention ?? {};
  const maxFinishedJobs =
    retention.maxFinishedJobs === undefined || retention.maxFinishedJobs === null
      ? null
      : wholeCount(retention.maxFinishedJobs, "retention.maxFinishedJobs", 0, 0);
  return {
    pool,
    connectionString,
    schema: schemaName(options.schema ?? "elarion"),
    leaseMs,
    heartbeatMs,
    pollIntervalMs: timerMs(options.pollIntervalMs, "pollIntervalMs", 5_000),
    maxLeasedRuns,
    maxLeaseExpiries,
    maxFinishedJobs,
    maxAgeMs:
      retention.maxAge === undefined
        ? 7 * DAY_MS
        : durationMs(retention.maxAge, "retention.maxAge of postgresStore"),
    occurrenceHorizonMs:
      retention.occurrenceHorizon === undefined
        ? 7 * DAY_MS
        : durationMs(retention.occurrenceHorizon, "retention.occurrenceHorizon of postgresStore"),
  };
}
