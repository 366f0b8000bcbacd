/**
 * The payloads sent on a schema's channel. Kept tiny: PostgreSQL folds identical payloads within
 * one transaction and caps them at 8000 bytes.
 *
 * - `n<epochMs>`: work was queued, the earliest of it due at `epochMs`;
 * - `c<runId>`: cancellation was requested for a running run (its owner aborts it).
 */
export type WakeUpNotice = { readonly kind: "new-work"; readonly dueTimeMs: number } | { readonly kind: "cancel"; readonly runId: string };

/** SQL text building the notice for new work from a float8 epoch-ms expression. */
export function newWorkNoticeSql(dueMsExpression: string): string {
  return `'n' || (${dueMsExpression})::bigint::text`;
}

/** SQL text building the notice for a cancelled run from a uuid expression. */
export function cancelNoticeSql(runIdExpression: string): string {
  return `'c' || (${runIdExpression})::text`;
}

/** Parses a notice; unknown payloads (from a newer version) are ignored rather than thrown on. */
export function parseWakeUpNotice(payload: string | undefined): WakeUpNotice | null {
  if (payload === undefined || payload.length < 2) return null;
  const body = payload.slice(1);
  if (payload.startsWith("n")) {
    const dueTimeMs = Number(body);
    return Number.isFinite(dueTimeMs) ? { kind: "new-work", dueTimeMs } : null;
  }
  if (payload.startsWith("c")) return { kind: "cancel", runId: body };
  return null;
}
