/**
 * The payloads sent on a schema's channel. Kept tiny: PostgreSQL folds identical payloads within
 * one transaction and caps them at 8000 bytes. The statements build them from these prefixes
 * (`:'notice_new_work'`, `:'notice_cancel'`, see sql/render-sql.ts).
 *
 * - `n<epochMs>`: work was queued, the earliest of it due at `epochMs`;
 * - `c<runId>`: cancellation was requested for a running run (its owner aborts it);
 * - `p<jobName>` / `r<jobName>`: the job name was paused / resumed (every worker updates its cache);
 * - `g<gate>`: a slot of a cluster-wide gate freed (or a waiter left): its waiters ask again. The
 *   gate's first 1000 characters only, so a long schedule key stays within the payload cap.
 */
export type WakeUpNotice =
  | { readonly kind: "new-work"; readonly dueTimeMs: number }
  | { readonly kind: "cancel"; readonly runId: string }
  | { readonly kind: "paused" | "resumed"; readonly jobName: string }
  | { readonly kind: "gate-freed"; readonly gatePrefix: string };

/** The first character of each notice. */
export const NOTICE_PREFIX = {
  newWork: "n",
  cancel: "c",
  paused: "p",
  resumed: "r",
  gateFreed: "g",
} as const;

/** How much of a gate's name a `g` notice carries. */
export const GATE_NOTICE_LENGTH = 1000;

/** Parses a notice; unknown payloads (from a newer version) are ignored rather than thrown on. */
export function parseWakeUpNotice(payload: string | undefined): WakeUpNotice | null {
  if (payload === undefined || payload.length < 2) return null;
  const body = payload.slice(1);
  if (payload.startsWith(NOTICE_PREFIX.newWork)) {
    const dueTimeMs = Number(body);
    return Number.isFinite(dueTimeMs) ? { kind: "new-work", dueTimeMs } : null;
  }
  if (payload.startsWith(NOTICE_PREFIX.cancel)) return { kind: "cancel", runId: body };
  if (payload.startsWith(NOTICE_PREFIX.paused)) return { kind: "paused", jobName: body };
  if (payload.startsWith(NOTICE_PREFIX.resumed)) return { kind: "resumed", jobName: body };
  if (payload.startsWith(NOTICE_PREFIX.gateFreed)) return { kind: "gate-freed", gatePrefix: body };
  return null;
}
