import type {
  MisfirePolicy,
  OverlapPolicy,
  Placement,
} from "../authoring/scheduled-job-options.js";
import type { ResiliencePolicy } from "../authoring/resilience-policy.js";
import type { PlaceholderOption } from "../policy/placeholder.js";
import type { WrittenScheduleOptions } from "../policy/placeholder-options.js";
import type { ScheduleSpec } from "../policy/schedule-spec.js";

export type { ScheduleSpec } from "../policy/schedule-spec.js";
/** The options that may be written as configuration placeholders (`"${KEY}"`, `"${KEY:-default}"`). */
export type { PlaceholderOption } from "../policy/placeholder.js";
export type { WrittenScheduleOptions } from "../policy/placeholder-options.js";

/**
 * Checks a payload against the job's payload type. Returns `null` when valid, otherwise a message
 * naming the failing path, e.g. `payload.items[2].qty: expected number`.
 */
export type PayloadValidator = (value: unknown) => string | null;

/**
 * Converts a payload between the job's own type and its stored, JSON-safe form. Generated only
 * for payload types the JSON subset cannot carry as they are (a `Date` is stored as an ISO string
 * and arrives in `execute` as a `Date`). `encode` runs at `schedule`/`enqueue` after
 * `validatePayload` and copies what it changes; `decode` runs when a claimed run's payload reaches
 * the job, checks the stored value with the same validator and throws a `TypeError` naming the
 * failing path when it cannot be read (e.g. `payload.since: expected Date`).
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
    | {
        readonly kind: "method";
        readonly className: string;
        readonly methodName: string;
        readonly isStatic: boolean;
      };
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
   * `{ cron: "${REPORT_CRON:-0 3 * * *}" }`); absent when there are none. The scheduler resolves
   * them against its `variables` at start and on every change (policy/placeholder-options.ts).
   * `schedule` and `enabled` hold the literal options with each placeholder's default in its place
   * (the generator checked the defaults with the runtime's parsers); a placeholder without a
   * default is left out of them (so `schedule` is `null` when it is the `cron`, `fixedRate` or
   * `fixedDelay`, and `enabled` is `true` when it is `enabled`), and a `cron` defaulting to `"-"`
   * leaves `schedule` `null`.
   */
  readonly placeholders?: Readonly<Partial<Record<PlaceholderOption, string>>> | null;
  /**
   * Present with `placeholders` when one of them is a schedule option: every schedule option as
   * written, so the options written next to a placeholder without a default — a literal
   * `timeZone` beside `cron: "${REPORT_CRON}"`, `runOnStart: false` beside
   * `fixedRate: "${SYNC_RATE}"` — still apply once the variable gives the schedule.
   */
  readonly scheduleOptions?: WrittenScheduleOptions | null;
}
