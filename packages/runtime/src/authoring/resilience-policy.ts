import { parseDuration, type Duration } from "../policy/duration.js";
import type { BackoffKind, RetryPolicy } from "../policy/retry-policy.js";
import { coded } from "../core/runtime-errors.js";

export type { BackoffKind } from "../policy/retry-policy.js";

/** Options of {@link resiliencePolicy}, as users write them. */
export interface ResiliencePolicyOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetryAttempts?: number;
  /** Base delay between attempts. Default `"2s"`. */
  delay?: Duration;
  /** Default `"constant"`. */
  backoff?: BackoffKind;
  /** Upper bound for the computed delay (before jitter). */
  maxDelay?: Duration;
  /** Adds a random share of up to the (capped) delay. */
  jitter?: boolean;
  /** Per-attempt timeout: aborts the signal and fails the attempt (retryable). */
  timeout?: Duration;
}

/** A validated, normalised resilience policy. Plain data, so the generator can print it. */
export interface ResiliencePolicy extends RetryPolicy {
  readonly name: string;
}

const BACKOFF_KINDS: readonly BackoffKind[] = ["constant", "linear", "exponential"];

/**
 * Declares a named resilience policy. Export it as a top-level `const` and the generator finds,
 * validates and registers it, so jobs and `schedule(..., { resilience: "name" })` can refer to it
 * by name.
 *
 * @example
 * ```ts
 * export const emailRetry = resiliencePolicy("email-retry", {
 *   maxRetryAttempts: 4, delay: "1s", backoff: "exponential", maxDelay: "30s", jitter: true, timeout: "10s",
 * });
 * ```
 */
export function resiliencePolicy(
  name: string,
  options: ResiliencePolicyOptions = {},
): ResiliencePolicy {
  if (typeof name !== "string" || name.trim() === "") {
    throw coded(
      new TypeError(
        'resiliencePolicy: the name must be a non-empty string, e.g. resiliencePolicy("email-retry", { ... }).',
      ),
      "ELR701",
    );
  }
  const where = `resilience policy "${name}"`;
  const maxRetryAttempts = options.maxRetryAttempts ?? 3;
  if (!Number.isInteger(maxRetryAttempts) || maxRetryAttempts < 0) {
    throw coded(
      new RangeError(
        `Invalid maxRetryAttempts of ${where}: ${String(maxRetryAttempts)}; use a whole number 0 or more.`,
      ),
      "ELR701",
    );
  }
  const backoff = options.backoff ?? "constant";
  if (!BACKOFF_KINDS.includes(backoff)) {
    throw coded(
      new RangeError(
        `Invalid backoff of ${where}: "${String(backoff)}"; use "constant", "linear" or "exponential".`,
      ),
      "ELR701",
    );
  }
  const timeoutMs =
    options.timeout === undefined ? null : parseDuration(options.timeout, `timeout of ${where}`);
  if (timeoutMs === 0)
    throw coded(
      new RangeError(`Invalid timeout of ${where}: 0; use a positive duration or leave it out.`),
      "ELR701",
    );
  return Object.freeze({
    name,
    maxRetryAttempts,
    delayMs: parseDuration(options.delay ?? "2s", `delay of ${where}`),
    backoff,
    maxDelayMs:
      options.maxDelay === undefined
        ? null
        : parseDuration(options.maxDelay, `maxDelay of ${where}`),
    jitter: options.jitter ?? false,
    timeoutMs,
  });
}
