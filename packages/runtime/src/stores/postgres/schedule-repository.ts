import type { QueryResultRow } from "pg";
import type { MisfirePolicy } from "../../policy/misfire.js";
import type { ScheduleRuleOverlap } from "../../policy/schedule-rule.js";
import type { JobStatus } from "../../state/job-state.js";
import type { OutcomeInfo } from "../../state/run-info.js";
import type {
  NewRuntimeJob,
  ScheduleAdvance,
  ScheduleWrite,
  StoredSchedule,
} from "../job-store.js";
import type { Queryable } from "./queryable.js";
import type { SchemaName } from "./schema-name.js";
import { renderStatements, type Statement, type StatementName } from "./sql/statements.js";

/**
 * The statements of schedules defined at run time (sql/statements/list-schedules.sql,
 * get-schedule.sql, write-schedule.sql, remove-schedule.sql, advance-schedules.sql), with typed parameters and rows.
 * Every write is one statement; callers pass the connection.
 */
export class ScheduleRepository {
  readonly #schema: SchemaName;
  readonly #statements: Readonly<Record<StatementName, Statement>>;

  constructor(schema: SchemaName) {
    this.#schema = schema;
    this.#statements = renderStatements(schema);
  }

  /** Schedules by key (one, or all); `stuckOnly`: those whose head ended or is gone. */
  async list(
    db: Queryable,
    scheduleKey: string | null,
    stuckOnly: boolean,
  ): Promise<StoredSchedule[]> {
    return (
      await this.#run<ScheduleResultRow>(db, "list-schedules", [scheduleKey, stuckOnly])
    ).rows.map(toStoredSchedule);
  }

  /** One schedule by key (sql/statements/get-schedule.sql), or `null`. */
  async get(db: Queryable, scheduleKey: string): Promise<StoredSchedule | null> {
    const row = (await this.#run<ScheduleResultRow>(db, "get-schedule", [scheduleKey])).rows[0];
    return row === undefined ? null : toStoredSchedule(row);
  }

  /**
   * The compare-and-set write of a schedule, with the deletion of the pending head it replaces and
   * the insert of its new head, in one statement; `false` when its revision moved on or the
   * replaced head was claimed meanwhile (then nothing was written).
   */
  async write(db: Queryable, write: ScheduleWrite): Promise<boolean> {
    const { rule, head } = write;
    const result = await this.#run<{ written: boolean }>(db, "write-schedule", [
      write.scheduleKey,
      write.jobName,
      write.payload === undefined ? null : JSON.stringify(write.payload),
      rule.cron,
      rule.timeZone,
      rule.fixedRateMs,
      rule.fixedDelayMs,
      rule.misfire,
      rule.overlap,
      rule.enabled,
      write.revision,
      write.expectedRevision,
      head?.jobId ?? null,
      head?.dueTimeMs ?? null,
      write.nowMs,
      write.replacedHeadJobId,
      head?.runId ?? null,
      head === null || head.payload === undefined ? null : JSON.stringify(head.payload),
      head?.maxAttempts ?? null,
      head?.resilience == null ? null : JSON.stringify(head.resilience),
      head?.resilienceMode ?? null,
      head?.occurrence == null ? null : JSON.stringify(head.occurrence),
      this.#schema.channel,
      head?.correlationId ?? null,
      head?.traceContext ?? null,
      write.expectedHeadJobId,
    ]);
    return result.rows[0]?.written === true;
  }

  async remove(db: Queryable, scheduleKey: string): Promise<boolean> {
    return (
      (await this.#run<{ removed: boolean }>(db, "remove-schedule", [scheduleKey])).rows[0]
        ?.removed === true
    );
  }

  /** Moves schedules past their heads (each key once); answers the keys of those that moved. */
  async advance(
    db: Queryable,
    advances: readonly ScheduleAdvance[],
    nowMs: number,
  ): Promise<Set<string>> {
    const occurrences: { scheduleKey: string; job: NewRuntimeJob }[] = [];
    for (const advance of advances) {
      if (advance.head !== null)
        occurrences.push({ scheduleKey: advance.scheduleKey, job: advance.head });
      for (const job of advance.catchUp)
        occurrences.push({ scheduleKey: advance.scheduleKey, job });
    }
    const result = await this.#run<{ advanced: string[] }>(db, "advance-schedules", [
      advances.map((advance) => advance.scheduleKey),
      advances.map((advance) => advance.revision),
      advances.map((advance) => advance.fromJobId),
      advances.map((advance) => advance.fromSlotMs),
      advances.map((advance) => advance.head?.jobId ?? null),
      advances.map((advance) => advance.head?.dueTimeMs ?? null),
      occurrences.map((entry) => entry.scheduleKey),
      occurrences.map((entry) => entry.job.jobId),
      occurrences.map((entry) => entry.job.runId),
      occurrences.map((entry) => entry.job.jobName),
      occurrences.map((entry) =>
        entry.job.payload === undefined ? null : JSON.stringify(entry.job.payload),
      ),
      occurrences.map((entry) => entry.job.dueTimeMs),
      occurrences.map((entry) =>
        entry.job.resilience === null ? null : JSON.stringify(entry.job.resilience),
      ),
      occurrences.map((entry) => JSON.stringify(entry.job.occurrence)),
      nowMs,
      this.#schema.channel,
    ]);
    return new Set(result.rows[0]?.advanced ?? []);
  }

  #run<R extends QueryResultRow = QueryResultRow>(
    db: Queryable,
    statement: StatementName,
    values: unknown[],
  ) {
    const { name, text } = this.#statements[statement];
    return db.query<R>({ name, text, values });
  }
}

interface ScheduleResultRow {
  schedule_key: string;
  job_name: string;
  payload: unknown;
  cron: string | null;
  time_zone: string | null;
  fixed_rate_ms: number | null;
  fixed_delay_ms: number | null;
  misfire: MisfirePolicy;
  overlap: ScheduleRuleOverlap;
  enabled: boolean;
  revision: string;
  head_job_id: string | null;
  head_due_ms: number | null;
  head_status: JobStatus | null;
  last_slot_ms: number | null;
  created_ms: number;
  updated_ms: number;
  last_run_id: string | null;
  last_job_id: string | null;
  last_job_name: string | null;
  last_due_ms: number | null;
  last_started_ms: number | null;
  last_completed_ms: number | null;
  last_status: OutcomeInfo["status"] | null;
  last_message: string | null;
}

function toStoredSchedule(row: ScheduleResultRow): StoredSchedule {
  return {
    scheduleKey: row.schedule_key,
    jobName: row.job_name,
    payload: row.payload ?? undefined,
    rule: {
      cron: row.cron,
      timeZone: row.time_zone,
      fixedRateMs: row.fixed_rate_ms,
      fixedDelayMs: row.fixed_delay_ms,
      misfire: row.misfire,
      overlap: row.overlap,
      enabled: row.enabled,
    },
    revision: row.revision,
    headJobId: row.head_job_id,
    headDueTimeMs: row.head_due_ms,
    headStatus: row.head_status,
    lastSlotMs: row.last_slot_ms,
    createdAtMs: row.created_ms,
    updatedAtMs: row.updated_ms,
    lastOutcome:
      row.last_run_id === null
        ? null
        : {
            runId: row.last_run_id,
            jobId: row.last_job_id!,
            jobName: row.last_job_name!,
            dueTime: new Date(row.last_due_ms!),
            startedAt: row.last_started_ms === null ? null : new Date(row.last_started_ms),
            completedAt: new Date(row.last_completed_ms!),
            isRuntimeScheduled: true,
            status: row.last_status!,
            message: row.last_message,
          },
  };
}
