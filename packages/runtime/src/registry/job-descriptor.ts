import type { MisfirePolicy, OverlapPolicy, Placement } from "../authoring/scheduled-job-options.js";
import type { ResiliencePolicy } from "../authoring/resilience-policy.js";

/** A recurring schedule, normalised to milliseconds by the generator. */
export type ScheduleSpec =
  | { readonly kind: "cron"; readonly expression: string; readonly timeZone: string }
  | { readonly kind: "fixed-rate"; readonly intervalMs: number; readonly initialDelayMs: number | null; readonly runOnStart: boolean }
  | { readonly kind: "fixed-delay"; readonly delayMs: number; readonly initialDelayMs: number | null; readonly runOnStart: boolean }
  | { readonly kind: "once"; readonly delayMs: number };

/**
 * Checks a payload against the job's payload type. Returns `null` when valid, otherwise a message
 * naming the failing path, e.g. `payload.items[2].qty: expected number`.
 */
export type PayloadValidator = (value: unknown) => string | null;

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
}
