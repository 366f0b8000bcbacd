import type { JobStore } from "../../src/stores/job-store.js";

let factory: (() => JobStore) | null = null;

/**
 * Makes every harness started from now on use a store from `create` instead of the default memory
 * store, so the scheduler's scenario files can be re-run against another store (see
 * test/stores/postgres/scheduler-scenarios.test.ts).
 */
export function runScenariosOn(create: () => JobStore): void {
  factory = create;
}

/** The store for the next harness, or `undefined` for the scheduler's default. */
export function scenarioStore(): JobStore | undefined {
  return factory?.() ?? undefined;
}

/**
 * Whether scenarios run on a durable store (set by {@link runScenariosOn}). A durable queue
 * outlives one scheduler: at `stop()` it keeps queued runs, and hands runs that never started
 * back to the queue for other workers instead of cancelling them.
 */
export function scenarioStoreIsDurable(): boolean {
  return factory !== null;
}
