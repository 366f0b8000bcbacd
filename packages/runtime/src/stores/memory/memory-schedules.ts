import type { ScheduleRule } from "../../policy/schedule-rule.js";
import { isTerminalStatus } from "../../state/job-state.js";
import type {
  NewRuntimeJob,
  ScheduleAdvance,
  ScheduleWrite,
  StoredSchedule,
} from "../job-store.js";
import type { MemoryJob } from "./memory-job.js";

/** What the schedules need of the memory store. */
export interface MemoryScheduleJobs {
  /** Inserts an occurrence as a new pending job. */
  add(job: NewRuntimeJob): MemoryJob;
  /** Deletes a pending job (it never runs and is forgotten). */
  remove(job: MemoryJob): void;
}

/** One schedule in memory; `head` is the occurrence planned last (see {@link StoredSchedule}). */
class MemorySchedule {
  head: MemoryJob | null = null;
  headDueTimeMs: number | null = null;
  lastSlotMs: number | null = null;
  lastOutcome: MemoryJob | null = null;
  updatedAtMs: number;

  constructor(
    readonly scheduleKey: string,
    public jobName: string,
    public payload: unknown,
    public rule: ScheduleRule,
    public revision: string,
    readonly createdAtMs: number,
  ) {
    this.updatedAtMs = createdAtMs;
  }

  toStored(): StoredSchedule {
    const head = this.head;
    return {
      scheduleKey: this.scheduleKey,
      jobName: this.jobName,
      payload: this.payload,
      rule: this.rule,
      revision: this.revision,
      headJobId: head?.jobId ?? null,
      headDueTimeMs: this.headDueTimeMs,
      headStatus: head?.status ?? null,
      lastSlotMs: this.lastSlotMs,
      createdAtMs: this.createdAtMs,
      updatedAtMs: this.updatedAtMs,
      lastOutcome: this.lastOutcome?.toOutcomeInfo() ?? null,
    };
  }
}

/**
 * The memory store's run-time schedules: the same compare-and-set rules as a durable store, in
 * process. Every method is synchronous, so each write is atomic by construction.
 */
export class MemorySchedules {
  private readonly schedules = new Map<string, MemorySchedule>();

  constructor(private readonly jobs: MemoryScheduleJobs) {}

  get(scheduleKey: string): StoredSchedule | null {
    return this.schedules.get(scheduleKey)?.toStored() ?? null;
  }

  list(): StoredSchedule[] {
    return [...this.schedules.values()]
      .sort((a, b) => (a.scheduleKey < b.scheduleKey ? -1 : a.scheduleKey > b.scheduleKey ? 1 : 0))
      .map((s) => s.toStored());
  }

  write(write: ScheduleWrite): boolean {
    const current = this.schedules.get(write.scheduleKey);
    if ((current?.revision ?? null) !== write.expectedRevision) return false;
    if ((current?.head?.jobId ?? null) !== write.expectedHeadJobId) return false;
    if (write.replacedHeadJobId !== null) {
      const head = current?.head;
      if (
        head === undefined ||
        head === null ||
        head.jobId !== write.replacedHeadJobId ||
        !head.isPending
      )
        return false;
      this.jobs.remove(head);
    }
    const schedule =
      current ??
      new MemorySchedule(
        write.scheduleKey,
        write.jobName,
        write.payload,
        write.rule,
        write.revision,
        write.nowMs,
      );
    schedule.jobName = write.jobName;
    schedule.payload = write.payload;
    schedule.rule = write.rule;
    schedule.revision = write.revision;
    schedule.updatedAtMs = write.nowMs;
    this.setHead(schedule, write.head);
    this.schedules.set(write.scheduleKey, schedule);
    return true;
  }

  remove(scheduleKey: string): boolean {
    const schedule = this.schedules.get(scheduleKey);
    if (schedule === undefined) return false;
    if (schedule.head?.isPending) this.jobs.remove(schedule.head);
    this.schedules.delete(scheduleKey);
    return true;
  }

  advance(advance: ScheduleAdvance): boolean {
    const schedule = this.schedules.get(advance.scheduleKey);
    if (
      schedule === undefined ||
      schedule.revision !== advance.revision ||
      schedule.head?.jobId !== advance.fromJobId
    )
      return false;
    for (const slot of advance.catchUp) this.jobs.add(slot);
    this.setHead(schedule, advance.head);
    schedule.lastSlotMs = Math.max(schedule.lastSlotMs ?? -Infinity, advance.fromSlotMs);
    return true;
  }

  toRepair(scheduleKey?: string): StoredSchedule[] {
    const stuck: StoredSchedule[] = [];
    const candidates =
      scheduleKey === undefined
        ? this.schedules.values()
        : [this.schedules.get(scheduleKey)].filter((s) => s !== undefined);
    for (const schedule of candidates) {
      const head = schedule.head;
      if (head !== null && isTerminalStatus(head.status)) stuck.push(schedule.toStored());
    }
    return stuck;
  }

  /** An occurrence ended: it may be its schedule's latest outcome. */
  occurrenceEnded(job: MemoryJob): void {
    const schedule = this.schedules.get(job.occurrence!.scheduleKey);
    if (schedule !== undefined) schedule.lastOutcome = job;
  }

  private setHead(schedule: MemorySchedule, head: NewRuntimeJob | null): void {
    schedule.head = head === null ? null : this.jobs.add(head);
    schedule.headDueTimeMs = head?.dueTimeMs ?? null;
  }
}
