import type { ResiliencePolicy } from "@elarion/runtime";
import type { JobModel } from "./job-model.js";
import type { NamedValidator } from "./payload-shape.js";

/** Everything the analyzer found in one program, sorted for deterministic printing. */
export interface RegistryModel {
  /** Sorted by job name. */
  readonly jobs: readonly JobModel[];
  /** Top-level exported resilience policies, normalised, sorted by name. */
  readonly policies: readonly ResiliencePolicy[];
  /** Named payload validators referenced by the jobs' payload shapes, in first-use order. */
  readonly validators: readonly NamedValidator[];
}
