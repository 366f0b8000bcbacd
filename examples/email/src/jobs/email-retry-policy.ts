import { resiliencePolicy } from "@elarion/runtime";

/**
 * Retries a failed delivery after 1 s, 2 s, 4 s. The generator finds this exported const, validates
 * it at build time and registers it under its name, so code can refer to it as "email-retry".
 */
export const emailRetry = resiliencePolicy("email-retry", {
  maxRetryAttempts: 3,
  delay: "1s",
  backoff: "exponential",
  maxDelay: "10s",
});
