import type { LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import type { Tally } from "../../fixture/src/tally.js";

/** Concurrency every system processes with in the peers suite. */
export const WORKER_CONCURRENCY = 8;

/** What a system's job bodies report to. Each body does nothing else. */
export interface Probes {
  readonly tally: Tally;
  readonly recorder: LatenessRecorder;
}

/**
 * One PostgreSQL-backed queue under test, driven the same way for every system: a fresh schema,
 * a bulk enqueue of no-op jobs with no worker running, then workers with concurrency 8, then
 * future-dated lateness probes while the workers are idle.
 */
export interface QueueSystem {
  readonly name: string;
  /** The settings used, for RESULTS.md. */
  readonly settings: string;
  /** Drops and recreates the system's schema (not timed). */
  prepare(): Promise<void>;
  /** Enqueues `count` no-op jobs due now, as fast as the system's bulk API allows (timed). */
  enqueueNoops(count: number): Promise<void>;
  /** Starts workers whose bodies call `probes.tally.tick()` / `probes.recorder.record(dueMs)`. */
  startWorkers(probes: Probes): Promise<void>;
  /** Schedules one lateness probe due at `dueMs` (epoch ms). */
  scheduleProbe(dueMs: number): Promise<unknown>;
  /** Stops workers and releases every connection. */
  close(): Promise<void>;
}
