/** Why a run's signal was aborted; `signal.reason` is a `DOMException` naming the cause. */
export type AbortCause = "cancel" | "timeout" | "shutdown";

/** The `signal.reason` for a cause: `AbortError` for cancel and shutdown, `TimeoutError` for a timeout. */
export function abortReason(cause: AbortCause, message: string): DOMException {
  return new DOMException(message, cause === "timeout" ? "TimeoutError" : "AbortError");
}

/** Whether `error` is how a body reports that it stopped because its signal aborted. */
export function isAbortError(error: unknown, reason: unknown): boolean {
  if (error === reason) return true;
  return error instanceof Error || error instanceof DOMException
    ? error.name === "AbortError" || error.name === "TimeoutError"
    : false;
}
