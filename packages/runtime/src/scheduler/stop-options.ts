import { coded } from "../core/runtime-errors.js";
import type { StopOptions } from "./job-scheduler.js";

/** Default of {@link StopOptions.timeoutMs}: how long `stop()` waits for bodies before it returns anyway. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** Node's largest timer delay: the stop deadline is a timer. */
const NODE_TIMER_LIMIT_MS = 2_147_483_647;

/** {@link StopOptions} checked and filled in. */
export interface ResolvedStopOptions {
  readonly drain: boolean;
  readonly timeoutMs: number;
}

/** Checks the options of `stop()`; a bad value is an error naming it and the range it takes (ELR003). */
export function resolveStopOptions(options: StopOptions | undefined): ResolvedStopOptions {
  if (options === undefined) return { drain: false, timeoutMs: DEFAULT_STOP_TIMEOUT_MS };
  if (typeof options !== "object" || options === null) {
    throw coded(
      new TypeError(
        `stop: expected options like { timeoutMs: 10_000, drain: true }, got ${options === null ? "null" : typeof options}.`,
      ),
      "ELR003",
    );
  }
  const { drain = false, timeoutMs = DEFAULT_STOP_TIMEOUT_MS } = options;
  if (typeof drain !== "boolean")
    throw coded(
      new TypeError(`stop: drain must be true or false, got ${JSON.stringify(drain)}.`),
      "ELR003",
    );
  if (
    typeof timeoutMs !== "number" ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 0 ||
    timeoutMs > NODE_TIMER_LIMIT_MS
  ) {
    throw coded(
      new RangeError(
        `stop: timeoutMs must be a whole number of milliseconds from 0 to ${NODE_TIMER_LIMIT_MS} (Node's timer limit), got ${typeof timeoutMs === "string" ? JSON.stringify(timeoutMs) : String(timeoutMs)}.`,
      ),
      "ELR003",
    );
  }
  return { drain, timeoutMs };
}
