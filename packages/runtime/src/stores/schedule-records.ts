import type { ScheduleRule } from "../policy/schedule-rule.js";
import type { JobStatus } from "../state/job-state.js";
import type { OutcomeInfo } from "../state/run-info.js";
import type { NewRuntimeJob } from "./store-records.js";

/**
 * A schedule defined at run time, as a store keeps it. Its occurrences form a chain: the head is the
 * occurrence planned last, pending until a process claims it; the claiming process plans the next
 * head ({@link ScheduleAdvance}). The schedule record is the one arbiter of its chain: every change
 * to it is a compare-and-set on `revision` and `headJobId`, so one head exists per schedule across
 * a cluster and a slot is never planned twice.
 */
export interface StoredSchedule {
  readonly scheduleKey: string;
  readonly jobName: string;
  /** The stored form (see `JobDescriptor.payloadCodec`). */
  readonly payload: unknown;
  readonly rule: ScheduleRule;
  readonly revision: string;
  /** The head occurrence's job, or `null` once the rule fires no more. */
  readonly headJobId: string | null;
  /** The head's slot (its due time). */
  readonly headDueTimeMs: number | null;
  /** The head job's status; `null` when the store no longer has that job (retention). */
  readonly headStatus: JobStatus | null;
  /** The latest slot the chain moved past (a claimed head), or `null`. */
  readonly lastSlotMs: number | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** The latest terminal outcome among its occurrences, or `null`. */
  readonly lastOutcome: OutcomeInfo | null;
}

/** Creates or replaces a schedule (`JobStore.writeSchedule`). */
export interface ScheduleWrite {
  readonly scheduleKey: string;
  readonly jobName: string;
  /** The stored form, already validated. */
  readonly payload: unknown;
  readonly rule: ScheduleRule;
  /** The new revision. */
  readonly revision: string;
  /** The revision the caller read; `null`: no schedule of this key may exist. */
  readonly expectedRevision: string | null;
  /**
   * The head the caller read (`null`: none). The write fails when the chain moved on meanwhile:
   * a worker finishing a running head plans the next one under the same revision, and a write
   * planned from the old head would leave two heads for one slot.
   */
  readonly expectedHeadJobId: string | null;
  /** The pending head to delete, which must still be pending (else the write fails), or `null`. */
  readonly replacedHeadJobId: string | null;
  /** The new head occurrence, or `null` when the rule never fires. */
  readonly head: NewRuntimeJob | null;
  readonly nowMs: number;
}

/** Moves a schedule's chain past its head (`JobStore.advanceSchedule`). */
export interface ScheduleAdvance {
  readonly scheduleKey: string;
  /** The revision the head was planned from. */
  readonly revision: string;
  /** The head the chain moves past. */
  readonly fromJobId: string;
  /** Its slot (becomes `lastSlotMs`). */
  readonly fromSlotMs: number;
  /** The next head, or `null` when the rule fires no more. */
  readonly head: NewRuntimeJob | null;
  /** Missed slots to run now (`misfire: "catch-up"`), oldest first. */
  readonly catchUp: readonly NewRuntimeJob[];
}
