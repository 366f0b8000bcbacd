/**
 * Where the scheduler reports what it cannot throw: job failures, store errors, abandoned runs.
 *
 * @example
 * ```ts
 * createScheduler({ registry, services, logger: { debug() {}, info() {}, warn: console.warn, error: console.error } });
 * ```
 */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Default logger: warnings and errors to the console, nothing else. */
export const consoleLogger: Logger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, details?: Record<string, unknown>) => console.warn(`[elarion] ${message}`, details ?? ""),
  error: (message: string, details?: Record<string, unknown>) => console.error(`[elarion] ${message}`, details ?? ""),
});
