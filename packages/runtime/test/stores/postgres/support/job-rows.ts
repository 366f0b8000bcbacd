import { randomUUID } from "node:crypto";
import type { NewJobRow } from "../../../../src/stores/postgres/queue-rows.js";

/** The instant repository tests date their rows from: far ahead, so no worker's clock meets it by accident. */
export const T0 = Date.UTC(2030, 0, 1);

/** A new job row as the insert repository takes it: fresh ids, due at {@link T0}, one attempt. */
export function newJobRow(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "emails.send",
    payload: null,
    dueTimeMs: T0,
    maxAttempts: 1,
    correlationId: null,
    resilience: null,
    resilienceMode: "inline",
    createdAtMs: T0 - 1_000,
    ...overrides,
  };
}
