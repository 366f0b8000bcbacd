import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { jsonEqual } from "../core/json-equal.js";
import { coded } from "../core/runtime-errors.js";
import { occurrenceJob } from "../dispatch/occurrence-job.js";
import type { RegisteredJob } from "../dispatch/registered-job.js";
import { createRecurrence } from "../policy/recurrence.js";
import {
  readScheduleRule,
  sameRecurrence,
  sameRule,
  scheduleSpecOf,
  type ScheduleRule,
} from "../policy/schedule-rule.js";
import type { ScheduleInfo } from "../state/schedule-info.js";
import type { JobStore, StoredSchedule } from "../stores/job-store.js";
import type { JobCatalog } from "./job-catalog.js";
import { checkedKeyText, checkStorablePayload } from "./runtime-job-request.js";

/** Reads and compare-and-set writes an upsert tries before giving up on a schedule that keeps changing. */
const MAX_WRITE_ATTEMPTS = 8;

/**
 * `upsertSchedule`, `removeSchedule`, `listSchedules`: validates the call (the rule with the
 * generator's parsers and messages, the payload with the job's validator), plans the schedule's
 * head slot and writes it with a compare-and-set on the schedule's revision, re-reading on a
 * conflict. The chain after the head is the dispatcher's (`ScheduleChains`).
 */
export class RunTimeSchedules {
  constructor(
    private readonly catalog: JobCatalog,
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly wake: () => void,
  ) {}

  async upsert(
    scheduleKey: unknown,
    jobArgument: unknown,
    payload: unknown,
    definition: unknown,
  ): Promise<ScheduleInfo> {
    const key = checkedKeyText(scheduleKey, "scheduleKey", "upsertSchedule");
    const where = `upsertSchedule("${key}")`;
    const job = this.catalog.resolve(jobArgument);
    const descriptor = job.descriptor;
    if (!descriptor.supportsRuntimeScheduling) {
      throw coded(
        new TypeError(
          `${where}: job "${descriptor.name}" cannot run on a schedule defined at run time: only class jobs implementing IScheduledJob<TPayload> can (it is a ${descriptor.target.kind} job in ${descriptor.sourceFile}).`,
        ),
        "ELR201",
      );
    }
    if (descriptor.validatePayload !== null) {
      const problem = descriptor.validatePayload(payload);
      if (problem !== null)
        throw coded(
          new TypeError(`${where}: invalid payload for job "${descriptor.name}": ${problem}.`),
          "ELR202",
        );
    }
    const read = readScheduleRule(definition);
    if (!read.ok) throw coded(new RangeError(`${where}: ${read.problems.join(" ")}`), "ELR206");
    // Occurrences carry the stored form, like every runtime job (see JobDescriptor.payloadCodec).
    const stored = descriptor.payloadCodec ? descriptor.payloadCodec.encode(payload) : payload;
    checkStorablePayload(stored, descriptor.name);
    const store = this.store;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await store.getSchedule(key);
      if (
        current !== null &&
        current.jobName === job.name &&
        sameRule(current.rule, read.rule) &&
        jsonEqual(current.payload, stored)
      ) {
        return this.toScheduleInfo(current, store.isJobPaused(current.jobName));
      }
      const written = await this.write(store, key, job, stored, read.rule, current);
      if (written !== null) {
        this.wake();
        return this.toScheduleInfo(written, store.isJobPaused(written.jobName));
      }
    }
    throw coded(
      new Error(
        `${where}: the schedule kept changing under concurrent upserts (${MAX_WRITE_ATTEMPTS} attempts); call upsertSchedule again.`,
      ),
      "ELR503",
    );
  }

  async remove(scheduleKey: unknown): Promise<boolean> {
    const key = checkedKeyText(scheduleKey, "scheduleKey", "removeSchedule");
    return this.store.removeSchedule(key);
  }

  async list(): Promise<ScheduleInfo[]> {
    const [schedules, paused] = await Promise.all([
      this.store.listSchedules(),
      this.store.pausedJobNames(),
    ]);
    return schedules.map((schedule) => this.toScheduleInfo(schedule, paused.has(schedule.jobName)));
  }

  private toScheduleInfo(schedule: StoredSchedule, paused: boolean): ScheduleInfo {
    const codec = this.catalog.jobs.get(schedule.jobName)?.descriptor.payloadCodec;
    let payload = schedule.payload;
    if (codec) {
      try {
        payload = codec.decode(payload);
      } catch {
        // Written by another deployment in a form this build cannot read: shown as stored.
      }
    }
    return scheduleInfoOf(schedule, payload, paused);
  }

  /** One compare-and-set write; the schedule as written, or `null` when another write came first. */
  private async write(
    store: JobStore,
    scheduleKey: string,
    job: RegisteredJob,
    payload: unknown,
    rule: ScheduleRule,
    current: StoredSchedule | null,
  ): Promise<StoredSchedule | null> {
    const nowMs = this.clock.now();
    const revision = newId();
    const headPending = current !== null && isPending(current);
    const headDue = headSlot(rule, current, headPending, nowMs);
    const head =
      headDue === null
        ? null
        : occurrenceJob(
            job.name,
            payload,
            headDue,
            { scheduleKey, revision, rule, catchUp: false },
            job.policy,
            nowMs,
          );
    const written = await store.writeSchedule({
      scheduleKey,
      jobName: job.name,
      payload,
      rule,
      revision,
      expectedRevision: current?.revision ?? null,
      expectedHeadJobId: current?.headJobId ?? null,
      replacedHeadJobId: headPending ? current.headJobId : null,
      head,
      nowMs,
    });
    if (!written) return null;
    return {
      scheduleKey,
      jobName: job.name,
      payload,
      rule,
      revision,
      headJobId: head?.jobId ?? null,
      headDueTimeMs: headDue,
      headStatus: head === null ? null : "queued",
      lastSlotMs: current?.lastSlotMs ?? null,
      createdAtMs: current?.createdAtMs ?? nowMs,
      updatedAtMs: nowMs,
      lastOutcome: current?.lastOutcome ?? null,
    };
  }
}

function isPending(schedule: StoredSchedule): boolean {
  return schedule.headStatus === "queued" || schedule.headStatus === "waiting-retry";
}

/**
 * The head slot after an upsert. An unchanged recurrence keeps its pending slot (a payload-only
 * change moves nothing), or continues after the slot that is running; a new recurrence starts from
 * now — a cron at its first slot from now, never at a slot the chain already ran; an interval one
 * interval from now.
 */
function headSlot(
  rule: ScheduleRule,
  current: StoredSchedule | null,
  headPending: boolean,
  nowMs: number,
): number | null {
  const recurrence = createRecurrence(scheduleSpecOf(rule));
  const sameSlots =
    current !== null && sameRecurrence(current.rule, rule) && current.headDueTimeMs !== null;
  if (sameSlots && headPending) return current.headDueTimeMs;
  if (rule.fixedDelayMs !== null) return nowMs + rule.fixedDelayMs;
  if (sameSlots) return recurrence.next(current.headDueTimeMs!, nowMs);
  if (rule.fixedRateMs !== null) return nowMs + rule.fixedRateMs;
  const ranUpTo = Math.max(
    current?.lastSlotMs ?? -Infinity,
    current !== null && !headPending ? (current.headDueTimeMs ?? -Infinity) : -Infinity,
  );
  return recurrence.first(Math.max(nowMs, ranUpTo + 1));
}

/** What `listSchedules`/`upsertSchedule` report; `payload` as the job receives it (decoded). */
function scheduleInfoOf(schedule: StoredSchedule, payload: unknown, paused: boolean): ScheduleInfo {
  const rule = schedule.rule;
  return {
    scheduleKey: schedule.scheduleKey,
    jobName: schedule.jobName,
    payload,
    cron: rule.cron,
    timeZone: rule.timeZone,
    fixedRate: rule.fixedRateMs,
    fixedDelay: rule.fixedDelayMs,
    nextDueTime:
      isPending(schedule) && schedule.headDueTimeMs !== null
        ? new Date(schedule.headDueTimeMs)
        : null,
    lastOutcome: schedule.lastOutcome,
    paused,
    enabled: rule.enabled,
  };
}
