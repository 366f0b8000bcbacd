/**
 * The scheduler's vocabulary: every status and fixed outcome message, once. TypeScript imports
 * these constants; the PostgreSQL store renders them into its SQL (its CHECK constraint and its
 * statements), so the words a database row holds and the words the code compares against cannot
 * drift apart. See docs/semantics.md for what each one means.
 */

/** Where a runtime job is in its life, in order. */
export const JOB_STATUSES = [
  "queued",
  "running",
  "waiting-retry",
  "succeeded",
  "failed",
  "cancelled",
  "skipped",
] as const;

/** The statuses after which a job never runs again. */
export const TERMINAL_STATUSES = ["succeeded", "failed", "cancelled", "skipped"] as const;

/**
 * PostgreSQL: a queued run of a paused job name (`pauseJob`), kept out of the claim index until the
 * name resumes. It reads as queued (or waiting-retry) everywhere; the memory store parks such runs
 * instead. See docs/postgres.md.
 */
export const HELD_RUN_STATUS = "held";

/**
 * The statuses a stored run can have. A pending deferred retry is a `"queued"` run whose job's
 * attempt is above 1; the job reports it as `"waiting-retry"`.
 */
export const RUN_STATUSES = ["queued", HELD_RUN_STATUS, "running", ...TERMINAL_STATUSES] as const;

/** The fixed outcome messages (failed runs carry their error's message; succeeded runs `null`). */
export const OutcomeMessage = {
  /** skipped: another run of the job was active (`overlap: "skip"`). */
  overlap: "overlap",
  /** skipped: a recurring occurrence was already waiting (`overlap: "queue"`). */
  coalesced: "coalesced",
  /** skipped: `maxConcurrentRuns` runs were active. */
  maxConcurrency: "max-concurrency",
  /** skipped: a grid slot was a whole slot or more late under `misfire: "skip"`. */
  misfire: "misfire",
  /** skipped: the job is disabled (`enabled: false`). */
  disabled: "disabled",
  /** skipped: another process claimed the recurring slot. */
  claimedElsewhere: "claimed-elsewhere",
  /** skipped: the job name is paused (`pauseJob`). */
  paused: "paused",
  /** cancelled: the run was cancelled before its body started. */
  cancelledBeforeExecution: "cancelled before execution",
  /** cancelled: the running body was cancelled. */
  cancelled: "cancelled",
  /** cancelled: the scheduler stopped while the run was active or waiting. */
  schedulerShutdown: "scheduler shutdown",
} as const;

/** One of the fixed outcome messages. */
export type FixedOutcomeMessage = (typeof OutcomeMessage)[keyof typeof OutcomeMessage];
