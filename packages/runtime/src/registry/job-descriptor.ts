import type { MisfirePolicy, OverlapPolicy, Placement } from "../authoring/scheduled-job-options.js";
import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { PlaceholderOption } from "../policy/placeholder.js";
import type { ScheduleSpec } from "../policy/schedule-spec.js";

export type { ScheduleSpec } from "../policy/schedule-spec.js";
/** The options that may be written as configuration placeholders (`"${KEY}"`, `"${KEY:-default}"`). */
export type { PlaceholderOption } from "../policy/placeholder.js";

/**
 * Checks a payload against the job's payload type. Returns `null` when valid, otherwise a message
 * naming the failing path, e.g. `payload.items[2].qty: expected number`.
 */
export type PayloadValidator = (value: unknown) => string | null;

/**
 * Converts a payload between the job's own type and its stored, JSON-safe form. Generated only
 * for payload types the JSON subset cannot carry as they are (a `Date` is stored as an ISO string
 * and arrives in `execute` as a `Date`). `decode` throws a `TypeError` naming the failing path when
 * a stored value cannot be read (e.g. `payload.since: expected an ISO date string`).
 */
export interface PayloadCodec {
  encode(payload: unknown): unknown;
  decode(stored: unknown): unknown;
}


/**
 * One job as the generator saw it: plain data plus the payload validator. Importing descriptors
 * never imports a handler module, so a process that only enqueues can use them.
 */
export interface JobDescriptor {
  readonly name: string;
  /** `"class"`: a class job (`execute`); `"method"`: a decorated instance or static method. */
  readonly target:
    | { readonly kind: "class"; readonly className: string }
    | { readonly kind: "method"; readonly className: string; readonly methodName: string; readonly isStatic: boolean };
  /** Class jobs implementing `IScheduledJob<T>` can be scheduled with `schedule`/`enqueue`. */
  readonly supportsRuntimeScheduling: boolean;
  readonly schedule: ScheduleSpec | null;
  readonly overlap: OverlapPolicy;
  /** Whether `overlap` was written by the user: runtime runs obey overlap only then. */
  readonly overlapExplicit: boolean;
  readonly maxConcurrentRuns: number;
  readonly group: string | null;
  readonly misfire: MisfirePolicy;
  /** A policy name (resolved against the registries' policies) or an inline policy. */
  readonly resilience: string | ResiliencePolicy | null;
  readonly enabled: boolean;
  readonly placement: Placement;
  /** Service keys the delegate resolves, in constructor order. */
  readonly dependencies: readonly string[];
  /** Project-relative path of the file that declares the job, for messages. */
  readonly sourceFile: string;
  /** `null` when the job takes no payload. */
  readonly validatePayload: PayloadValidator | null;
  /**
   * Present when the payload type needs converting to and from its stored form (see
   * {@link PayloadCodec}); absent or `null` when the payload is stored as it is.
   */
  readonly payloadCodec?: PayloadCodec | null;
  /**
   * Options written in source as configuration placeholders, verbatim (e.g.
   * `{ cron: "${REPORT_CRON:-0 3 * * *}" }`). The scheduler resolves them against its `variables`
   * at start and on every change; `schedule` and `enabled` then hold what the placeholders'
   * literal defaults resolve to (the generator checked them), or `null`/`true` without a default.
   */
  readonly placeholders?: Readonly<Partial<Record<PlaceholderOption, string>>> | null;
}
