/**
 * A value a component may return synchronously (the memory store, to stay fast) or as a promise (a
 * database store). Callers await only when they get a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Whether `value` is a promise (and must be awaited) rather than the answer itself. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}
