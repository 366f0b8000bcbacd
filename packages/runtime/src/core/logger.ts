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
  warn: (message: string, details?: Record<string, unknown>) =>
    console.warn(`[elarion] ${message}`, details ?? ""),
  error: (message: string, details?: Record<string, unknown>) =>
    console.error(`[elarion] ${message}`, details ?? ""),
});

type Level = keyof Logger;
const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];
/** pino marks every logger it makes (children too) with this registered symbol. */
const PINO_SERIALIZERS = Symbol.for("pino.serializers");

/**
 * The logger the scheduler calls: the given methods, the console defaults for missing ones. A pino
 * logger is called in its own order, `(fields, message)` — called `(message, fields)` it would drop
 * the fields — with an `Error` in `error` passed as `err`, the key pino's error serializer prints
 * (elsewhere an Error serializes as `{}`); its methods are looked up on every call, since pino
 * swaps them when its level changes.
 */
export function resolveLogger(given: Partial<Logger> | undefined): Logger {
  if (given === undefined) return consoleLogger;
  const fieldsFirst = typeof given === "object" && given !== null && PINO_SERIALIZERS in given;
  const logger = {} as Logger;
  for (const level of LEVELS) {
    if (typeof given[level] !== "function") logger[level] = consoleLogger[level];
    else if (fieldsFirst)
      logger[level] = (message, details) => callFieldsFirst(given, level, message, details);
    else logger[level] = given[level]!.bind(given);
  }
  return logger;
}

function callFieldsFirst(
  logger: Partial<Logger>,
  level: Level,
  message: string,
  details: Record<string, unknown> | undefined,
): void {
  const method = logger[level] as unknown as (
    fields: Record<string, unknown>,
    message: string,
  ) => void;
  if (details === undefined) {
    (logger[level] as (message: string) => void).call(logger, message);
    return;
  }
  const { error, ...others } = details;
  method.call(logger, error instanceof Error ? { ...others, err: error } : details, message);
}
