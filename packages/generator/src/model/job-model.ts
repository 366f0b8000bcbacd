import type {
  MisfirePolicy,
  OverlapPolicy,
  Placement,
  PlaceholderOption,
  ResiliencePolicy,
  ScheduleSpec,
  WrittenScheduleOptions,
} from "@elarion/runtime";
import type { PayloadShape } from "./payload-shape.js";
import type { ImportedName, TypeReference } from "./type-reference.js";

/** A constructor dependency of a job class: the service key and the type it stands for. */
export interface DependencyModel {
  /** The dependency's type name as written in the constructor, e.g. `EmailSender`. */
  readonly key: string;
  readonly type: TypeReference;
}

/** The payload of a runtime-schedulable class job. */
export interface PayloadModel {
  readonly type: TypeReference;
  /** `null` when the payload is `void`/`undefined`: nothing to validate. */
  readonly shape: PayloadShape | null;
}

/** One job, as plain data: everything the printer needs and nothing from the type checker. */
export interface JobModel {
  readonly name: string;
  /** The decorated class (class jobs) or the class declaring the decorated method. */
  readonly jobClass: ImportedName & { readonly className: string };
  readonly target:
    | { readonly kind: "class"; readonly executeParameterCount: number }
    | {
        readonly kind: "method";
        readonly methodName: string;
        readonly isStatic: boolean;
        readonly parameterCount: number;
      };
  readonly supportsRuntimeScheduling: boolean;
  readonly schedule: ScheduleSpec | null;
  readonly overlap: OverlapPolicy;
  readonly overlapExplicit: boolean;
  readonly maxConcurrentRuns: number;
  readonly group: string | null;
  readonly misfire: MisfirePolicy;
  readonly resilience: string | ResiliencePolicy | null;
  readonly enabled: boolean;
  readonly placement: Placement;
  /** Options written as configuration placeholders, verbatim; `null` when there are none. */
  readonly placeholders: Readonly<Partial<Record<PlaceholderOption, string>>> | null;
  /** The schedule options as written, when a placeholder is one of them. */
  readonly scheduleOptions: WrittenScheduleOptions | null;
  /** Constructor dependencies in parameter order; empty for static method jobs. */
  readonly dependencies: readonly DependencyModel[];
  /** Project-relative, `/`-separated. */
  readonly sourceFile: string;
  /** `null` for method jobs. */
  readonly payload: PayloadModel | null;
}
