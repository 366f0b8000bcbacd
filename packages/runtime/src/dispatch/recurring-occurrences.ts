import { planMisfire } from "../policy/misfire.js";
import type { Recurrence } from "../policy/recurrence.js";
import { newId } from "../core/ids.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { RunInfo } from "../state/run-info.js";
import { DueTimeQueue } from "../core/due-time-queue.js";
import { firstDueOfNewSchedule, type JobSchedule } from "./job-schedule.js";
import type { RegisteredJob } from "./registered-job.js";

/** The next pending slot of one recurring job; it has ids so it can be cancelled and listed. */
export class Occurrence {
  cancelled = false;
  constructor(
    readonly job: RegisteredJob,
    /** The schedule the slot belongs to (its cluster slot key comes from it). */
    readonly recurrence: Recurrence,
    readonly dueTimeMs: number,
    readonly jobId: string,
    readonly runId: string,
  ) {}
}

/** What the chain of a recurring job asks the dispatcher to do. */
export interface OccurrenceEvents {
  /** Run the slot (through the gates). `waitsForOverlap`: a catch-up slot, never skipped for overlap. */
  run(occurrence: Occurrence, waitsForOverlap: boolean): void;
  /** Record the slot as ended without running (`skipped` or `cancelled`). */
  ended(occurrence: Occurrence, status: "skipped" | "cancelled", message: string): void;
  /** Whether the job name is paused (`pauseJob`): its slots are skipped, the chain goes on. */
  isPaused(jobName: string): boolean;
}

/** One job's chain: its current schedule, its pending slot and where it stands. */
interface Chain {
  schedule: JobSchedule;
  pending: Occurrence | null;
  lastSlotMs: number | null;
  lastCompletedAtMs: number | null;
  /** A fixed-delay run is executing: its completion plans the next slot. */
  awaitingCompletion: boolean;
}

/**
 * The chains of recurring jobs: one pending occurrence per job in a due-time heap. Due times come
 * from the policy layer (recurrence, misfire); this class only decides when to ask.
 */
export class RecurringOccurrences {
  private readonly heap = new DueTimeQueue<Occurrence>();
  private readonly byRunId = new Map<string, Occurrence>();
  private readonly byJobId = new Map<string, Occurrence>();
  private readonly chains = new Map<RegisteredJob, Chain>();
  private startedAtMs = 0;

  constructor(
    private readonly maxMisfireCatchUpRuns: number,
    private readonly events: OccurrenceEvents,
  ) {}

  /**
   * Plans the first slot of every recurring job, on the schedule given for it (resolved
   * configuration placeholders) or else its registry's.
   */
  start(
    jobs: Iterable<RegisteredJob>,
    nowMs: number,
    schedules: ReadonlyMap<RegisteredJob, JobSchedule> = new Map(),
  ): void {
    this.startedAtMs = nowMs;
    for (const job of jobs) {
      const schedule = schedules.get(job) ?? {
        recurrence: job.recurrence,
        enabled: job.descriptor.enabled,
      };
      this.chains.set(job, {
        schedule,
        pending: null,
        lastSlotMs: null,
        lastCompletedAtMs: null,
        awaitingCompletion: false,
      });
      if (schedule.recurrence !== null) this.plan(job, schedule.recurrence.first(nowMs));
    }
  }

  /** The schedule `job` follows now. */
  scheduleOf(job: RegisteredJob): JobSchedule {
    return (
      this.chains.get(job)?.schedule ?? {
        recurrence: job.recurrence,
        enabled: job.descriptor.enabled,
      }
    );
  }

  /**
   * Gives `job` a new schedule at `nowMs`. A new recurrence supersedes the pending slot: that slot
   * is dropped unrecorded (it was never due under the schedule now in force) and the chain carries
   * on from where it stands ({@link firstDueOfNewSchedule}), so there is never a second chain, and
   * no slot runs twice or goes missing because of the change. A change of `enabled` alone keeps the
   * pending slot; it is recorded `skipped` / `"disabled"` when it falls due while disabled.
   */
  reschedule(job: RegisteredJob, schedule: JobSchedule, nowMs: number): void {
    const chain = this.chains.get(job);
    if (chain === undefined) return;
    const recurrenceChanged = schedule.recurrence !== chain.schedule.recurrence;
    chain.schedule = schedule;
    if (!recurrenceChanged) return;
    if (chain.pending !== null) {
      chain.pending.cancelled = true;
      this.forget(chain.pending);
    }
    const recurrence = schedule.recurrence;
    if (recurrence === null || (recurrence.kind === "fixed-delay" && chain.awaitingCompletion))
      return;
    this.plan(
      job,
      firstDueOfNewSchedule(recurrence, { ...chain, startedAtMs: this.startedAtMs }, nowMs),
    );
  }

  /** Earliest pending slot, or `null`. */
  nextDueTime(): number | null {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined) return null;
      if (!top.cancelled) return top.dueTimeMs;
      this.heap.pop();
    }
  }

  /** Fires every slot due by `nowMs`, in due order. */
  fireDue(nowMs: number): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.dueTimeMs > nowMs) return;
      this.heap.pop();
      if (top.cancelled) continue;
      this.forget(top);
      this.fire(top, nowMs);
    }
  }

  /** A run of `job` due at `dueTimeMs` ended at `completedAtMs`: fixed-delay plans its next slot now. */
  completed(job: RegisteredJob, dueTimeMs: number, completedAtMs: number): void {
    const chain = this.chains.get(job);
    if (chain === undefined) return;
    chain.lastCompletedAtMs = completedAtMs;
    if (!chain.awaitingCompletion) return;
    chain.awaitingCompletion = false;
    const recurrence = chain.schedule.recurrence;
    if (recurrence?.kind === "fixed-delay" && chain.pending === null)
      this.plan(job, recurrence.next(dueTimeMs, completedAtMs));
  }

  /** Finds a pending slot by run id or job id. */
  find(id: string, by: "run" | "job"): Occurrence | undefined {
    return (by === "run" ? this.byRunId : this.byJobId).get(id);
  }

  /**
   * Cancels a pending slot: it is recorded `cancelled before execution`, and the chain continues
   * with the slot after its due time (never the same instant again).
   */
  cancel(occurrence: Occurrence, nowMs: number): void {
    occurrence.cancelled = true;
    this.forget(occurrence);
    this.events.ended(occurrence, "cancelled", OutcomeMessage.cancelledBeforeExecution);
    const recurrence = occurrence.recurrence;
    const next = recurrence.next(occurrence.dueTimeMs, Math.max(occurrence.dueTimeMs, nowMs));
    this.plan(occurrence.job, next !== null && next <= occurrence.dueTimeMs ? null : next);
  }

  /** Pending slots as queued runs (for snapshots). */
  pendingRunInfos(): RunInfo[] {
    return [...this.byRunId.values()].map((occurrence) => ({
      runId: occurrence.runId,
      jobId: occurrence.jobId,
      jobName: occurrence.job.name,
      dueTime: new Date(occurrence.dueTimeMs),
      startedAt: null,
      isRuntimeScheduled: false,
      status: "queued" as const,
    }));
  }

  /** Earliest pending slot per job name. */
  nextDueTimesByJob(): Map<string, number> {
    const earliest = new Map<string, number>();
    for (const occurrence of this.byRunId.values()) {
      const known = earliest.get(occurrence.job.name);
      if (known === undefined || occurrence.dueTimeMs < known)
        earliest.set(occurrence.job.name, occurrence.dueTimeMs);
    }
    return earliest;
  }

  /** Drops every pending slot (shutdown). */
  clear(): void {
    for (const occurrence of this.byRunId.values()) occurrence.cancelled = true;
    this.byRunId.clear();
    this.byJobId.clear();
    this.heap.clear();
    for (const chain of this.chains.values()) chain.pending = null;
  }

  private fire(occurrence: Occurrence, nowMs: number): void {
    const job = occurrence.job;
    const chain = this.chains.get(job)!;
    const recurrence = occurrence.recurrence;
    const due = occurrence.dueTimeMs;
    const plan = recurrence.isGrid
      ? planMisfire(recurrence, due, nowMs, job.descriptor.misfire, this.maxMisfireCatchUpRuns)
      : null;
    chain.lastSlotMs = plan === null ? due : Math.max(due, ...plan.runNow, ...plan.skipped);
    const skippedAs = !chain.schedule.enabled
      ? OutcomeMessage.disabled
      : this.events.isPaused(job.name)
        ? OutcomeMessage.paused
        : null;
    if (skippedAs !== null) {
      this.events.ended(occurrence, "skipped", skippedAs);
      this.plan(job, plan !== null ? plan.nextDue : this.nextAfterFired(occurrence, nowMs));
      return;
    }
    if (plan === null) {
      if (recurrence.kind === "fixed-delay") chain.awaitingCompletion = true;
      this.events.run(occurrence, false);
      if (recurrence.kind !== "fixed-delay") this.plan(job, this.nextAfterFired(occurrence, nowMs));
      return;
    }
    for (const slot of plan.skipped)
      this.events.ended(this.slotOccurrence(occurrence, slot), "skipped", OutcomeMessage.misfire);
    plan.runNow.forEach((slot, index) =>
      this.events.run(this.slotOccurrence(occurrence, slot), index > 0),
    );
    this.plan(job, plan.nextDue);
  }

  private nextAfterFired(occurrence: Occurrence, nowMs: number): number | null {
    return occurrence.recurrence.next(occurrence.dueTimeMs, nowMs);
  }

  /** The pending occurrence keeps its ids for its own slot; other overdue slots get fresh ids. */
  private slotOccurrence(occurrence: Occurrence, slotMs: number): Occurrence {
    return slotMs === occurrence.dueTimeMs
      ? occurrence
      : new Occurrence(occurrence.job, occurrence.recurrence, slotMs, newId(), newId());
  }

  private plan(job: RegisteredJob, dueTimeMs: number | null): void {
    const chain = this.chains.get(job)!;
    const recurrence = chain.schedule.recurrence;
    if (dueTimeMs === null || recurrence === null) return;
    const occurrence = new Occurrence(job, recurrence, dueTimeMs, newId(), newId());
    chain.pending = occurrence;
    this.heap.push(occurrence);
    this.byRunId.set(occurrence.runId, occurrence);
    this.byJobId.set(occurrence.jobId, occurrence);
  }

  private forget(occurrence: Occurrence): void {
    this.byRunId.delete(occurrence.runId);
    this.byJobId.delete(occurrence.jobId);
    const chain = this.chains.get(occurrence.job);
    if (chain !== undefined && chain.pending === occurrence) chain.pending = null;
  }
}
