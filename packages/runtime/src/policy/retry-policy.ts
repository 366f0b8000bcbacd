/** How the delay between attempts grows. */
export type BackoffKind = "constant" | "linear" | "exponential";

/**
 * The timing part of a resilience policy: how many retries, how long between them, how long one
 * attempt may take. Authoring's `ResiliencePolicy` adds the name users refer to it by.
 */
export interface RetryPolicy {
  readonly maxRetryAttempts: number;
  readonly delayMs: number;
  readonly backoff: BackoffKind;
  readonly maxDelayMs: number | null;
  readonly jitter: boolean;
  readonly timeoutMs: number | null;
}
