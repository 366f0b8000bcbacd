import type pg from "pg";
import type { ScheduleAdvance, ScheduleWrite, StoredSchedule } from "../job-store.js";
import type { ScheduleRepository } from "./schedule-repository.js";

interface PendingAdvance {
  readonly advance: ScheduleAdvance;
  readonly resolve: (advanced: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Advances written per statement at most. */
const MAX_BATCH = 1_000;

/**
 * Schedules defined at run time on PostgreSQL (the `schedules` table of migration 5). Reads are
 * one statement each. A write (upsert) is one statement too (sql/statements/write-schedule.sql):
 * the compare-and-set of the schedule's row, the deletion of the head it replaces, the insert of
 * the new head — one round trip where a transaction of three statements took five. Advances — a worker
 * moving a schedule past the head it claimed — are group-committed: those asked for while a batch
 * is being written go together in the next statement (sql/statements/advance-schedules.sql), so
 * ten thousand slots falling due at once cost a few round trips, not ten thousand.
 */
export class PostgresSchedules {
  readonly #pending: PendingAdvance[] = [];
  #writing = false;

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly pool: pg.Pool,
    /** The scheduler's clock (epoch ms). */
    private readonly now: () => number,
    /** New occurrences due at the given time were queued: wake this process's dispatcher if earlier. */
    private readonly learnDue: (dueTimeMs: number) => void,
  ) {}

  async get(scheduleKey: string): Promise<StoredSchedule | null> {
    return this.schedules.get(this.pool, scheduleKey);
  }

  list(): Promise<StoredSchedule[]> {
    return this.schedules.list(this.pool, null, false);
  }

  toRepair(scheduleKey?: string): Promise<StoredSchedule[]> {
    return this.schedules.list(this.pool, scheduleKey ?? null, true);
  }

  async write(write: ScheduleWrite): Promise<boolean> {
    const written = await this.schedules.write(this.pool, write);
    if (written && write.head !== null) this.learnDue(write.head.dueTimeMs);
    return written;
  }

  remove(scheduleKey: string): Promise<boolean> {
    return this.schedules.remove(this.pool, scheduleKey);
  }

  advance(advance: ScheduleAdvance): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.push({ advance, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#takeBatch();
      try {
        const advanced = await this.schedules.advance(
          this.pool,
          batch.map((pending) => pending.advance),
          this.now(),
        );
        for (const pending of batch) pending.resolve(advanced.has(pending.advance.scheduleKey));
        const due = batch.flatMap(({ advance }) =>
          advanced.has(advance.scheduleKey) ? [advance.head, ...advance.catchUp] : [],
        );
        const earliest = Math.min(...due.map((job) => job?.dueTimeMs ?? Infinity));
        if (Number.isFinite(earliest)) this.learnDue(earliest);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#writing = false;
  }

  /** Up to {@link MAX_BATCH} advances of distinct schedules (an UPDATE takes one source row per target row). */
  #takeBatch(): PendingAdvance[] {
    const batch: PendingAdvance[] = [];
    const keys = new Set<string>();
    const later: PendingAdvance[] = [];
    while (this.#pending.length > 0 && batch.length < MAX_BATCH) {
      const next = this.#pending.shift()!;
      if (keys.has(next.advance.scheduleKey)) later.push(next);
      else {
        keys.add(next.advance.scheduleKey);
        batch.push(next);
      }
    }
    this.#pending.unshift(...later);
    return batch;
  }
}
