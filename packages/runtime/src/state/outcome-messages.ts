/** The fixed outcome messages (docs/semantics.md#outcome-messages), in one place so that tests and stores agree. */
export const OutcomeMessage = {
  overlap: "overlap",
  coalesced: "coalesced",
  maxConcurrency: "max-concurrency",
  misfire: "misfire",
  disabled: "disabled",
  claimedElsewhere: "claimed-elsewhere",
  cancelledBeforeExecution: "cancelled before execution",
  cancelled: "cancelled",
  schedulerShutdown: "scheduler shutdown",
} as const;
