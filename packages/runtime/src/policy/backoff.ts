import type { RetryPolicy } from "./retry-policy.js";

/**
 * An uncapped exponential backoff stops growing here (one year), so that `now + delay` is always a
 * valid `Date` and a timer can be armed for it.
 */
export const MAX_RETRY_DELAY_MS = 365 * 86_400_000;

/**
 * Delay before the next attempt after attempt `failedAttempt` (1-based) failed:
 * `delay × {constant: 1, linear: n, exponential: 2^(n-1)}`, capped at `maxDelay` (and at
 * {@link MAX_RETRY_DELAY_MS}); with `jitter` a random share of up to the same capped amount is
 * added after the cap. `random` returns a number in [0, 1) (default `Math.random`). Whole
 * milliseconds.
 *
 * @example
 * ```ts
 * const policy = resiliencePolicy("email", { delay: "1s", backoff: "exponential", maxDelay: "5s" });
 * retryDelayMs(policy, 1); // 1000
 * retryDelayMs(policy, 3); // 4000
 * retryDelayMs(policy, 4); // 5000 (capped)
 * ```
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(
      `retryDelayMs: failedAttempt must be a whole number 1 or more (the attempt that just failed), got ${String(failedAttempt)}.`,
    );
  }
  const factor =
    policy.backoff === "linear"
      ? failedAttempt
      : policy.backoff === "exponential"
        ? 2 ** (failedAttempt - 1)
        : 1;
  const cap = Math.min(policy.maxDelayMs ?? MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS);
  const capped = Math.round(Math.min(policy.delayMs * factor, cap));
  if (!policy.jitter) return capped;
  const share = random();
  if (!(share >= 0 && share < 1))
    throw new RangeError(
      `retryDelayMs: random() must return a number in [0, 1), got ${String(share)}.`,
    );
  return capped + Math.floor(share * capped);
}
