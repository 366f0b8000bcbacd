import type { Clock } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import type { Logger } from "../core/logger.js";
import { isPromise, type MaybePromise } from "../core/maybe-promise.js";
import { planMisfire } from "../policy/misfire.js";
import { createRecurrence, type Recurrence } from "../policy/recurrence.js";
import { scheduleSpecOf, type ScheduleRule } from "../policy/schedule-rule.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type {
  ClaimedRun,
  JobStore,
  NewRuntimeJob,
  ScheduleOccurrence,
  StoredSchedule,
} from "../stores/job-store.js";
import { occurrenceJob } from "./occurrence-job.js";
import { RegisteredJob } from "./registered-job.js";

/** Recurrences kept parsed, by rule; the cache is dropped whole when it grows past this. */
const MAX_CACHED_RECURRENCES = 4096;

/** What the chains need of the dispatcher. */
export interface ChainHooks {
  /** Tracks a store write, so `settle`/`stop` wait for it. */
  track(result: Promise<unknown>): void;
  /** New occurrences may be due before the dispatcher's timer: drain soon. */
  wake(): void;
  /** Forgets the overlap gate of a schedule's gate job when no run holds or waits for it; answers whether it did. */
  forgetGateIfIdle(gateJob: RegisteredJob): boolean;
}

/**
 * The chains of schedules defined at run time (`upsertSchedule`), on the dispatcher's side. A
 * schedule's next slot is a pending occurrence (a runtime job) in the store: its head. The process
 * that claims the head plans the slot after it with the policy layer (recurrence, misfire) and asks
 * the store to move the chain on, a compare-and-set on the schedule's revision and head
 * (`JobStore.advanceSchedule`), so across a cluster each slot is planned once.
 *
 * When the chain moves on is chosen so that a crash never strands it: a grid schedule (cron, fixed
 * rate) advances as soon as its head is claimed, before the body starts; a fixed-delay schedule
 * advances when its run ends, before the run's outcome is written. Either way the head stays
 * non-terminal until the next slot exists, and a head whose process died goes back to the queue
 * (its lease expires) for another process to claim and advance. What is left — a cancelled head,
 * a failed write — is found by {@link repair}: after a cancel, at start, and on a durable store's
 * periodic sweep.
 *
 * Overlap is per schedule: every occurrence of one schedule passes the gates as the same
 * per-schedule job (the registered job with the schedule's overlap policy).
 */
export class ScheduleChains {
  private readonly gateJobs = new Map<string, RegisteredJob>();
  private readonly recurrences = new Map<string, Recurrence>();

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxMisfireCatchUpRuns: number,
    private readonly jobs: ReadonlyMap<string, RegisteredJob>,
    private readonly hooks: ChainHooks,
  ) {}

  /**
   * An occurrence was claimed at `nowMs`: plans the next slot of a grid schedule (applying its
   * misfire policy) and answers how the run goes on: `null` to run it, or the message it ends
   * `skipped` with (`"misfire"`, `"disabled"`).
   */
  claimed(claimed: ClaimedRun, nowMs: number): string | null {
    const occurrence = claimed.occurrence!;
    if (occurrence.catchUp) return null;
    const rule = occurrence.rule;
    const recurrence = this.recurrenceOf(rule);
    const slotMs = claimed.dueTimeMs;
    if (recurrence.kind === "fixed-delay") return rule.enabled ? null : OutcomeMessage.disabled; // plans when it ends
    const plan = planMisfire(recurrence, slotMs, nowMs, rule.misfire, this.maxMisfireCatchUpRuns);
    const next = plan === null ? recurrence.next(slotMs, nowMs) : plan.nextDue;
    const catchUp = plan === null || !rule.enabled ? [] : plan.runNow.slice(1);
    void this.advance(claimed, occurrence, next, catchUp, nowMs); // tracked by the hooks; never rejects
    if (!rule.enabled) return OutcomeMessage.disabled;
    return plan !== null && plan.skipped.includes(slotMs) ? OutcomeMessage.misfire : null;
  }

  /**
   * An occurrence's run ends at `nowMs`: a fixed-delay schedule plans its next slot now. The run's
   * outcome must be written after the answer settles (see the class comment); `undefined` when
   * there is nothing to wait for.
   */
  ended(claimed: ClaimedRun, nowMs: number): MaybePromise<unknown> | undefined {
    const occurrence = claimed.occurrence!;
    if (occurrence.catchUp || occurrence.rule.fixedDelayMs === null) return undefined;
    return this.advance(claimed, occurrence, nowMs + occurrence.rule.fixedDelayMs, [], nowMs);
  }

  /**
   * The job an occurrence passes the gates as: the registered job with its schedule's overlap
   * policy, one per schedule (kept while a run of the schedule holds or waits at its gate).
   */
  gateJobOf(job: RegisteredJob, occurrence: ScheduleOccurrence): RegisteredJob {
    const known = this.gateJobs.get(occurrence.scheduleKey);
    if (
      known !== undefined &&
      known.invoke === job.invoke &&
      known.descriptor.overlap === occurrence.rule.overlap &&
      known.name === job.name
    )
      return known;
    const gateJob = new RegisteredJob(
      {
        ...job.descriptor,
        overlap: occurrence.rule.overlap,
        overlapExplicit: true,
        maxConcurrentRuns: 0,
      },
      job.invoke,
      job.policy,
      null,
    );
    this.gateJobs.set(occurrence.scheduleKey, gateJob);
    return gateJob;
  }

  /** A run that passed as `gateJob` ended and released its gates: forget the gate job once idle. */
  released(gateJob: RegisteredJob, scheduleKey: string): void {
    if (this.gateJobs.get(scheduleKey) === gateJob && this.hooks.forgetGateIfIdle(gateJob))
      this.gateJobs.delete(scheduleKey);
  }

  /**
   * Restarts stuck chains (all, or the one of `scheduleKey`): a schedule whose head ended or is gone
   * gets the slot after that head as its new head. Safe to call from several processes at once.
   * Answers the store's work when it is asynchronous (already tracked; never rejects).
   */
  repair(scheduleKey?: string): Promise<void> | undefined {
    const store = this.store;
    let stuck: MaybePromise<readonly StoredSchedule[]>;
    try {
      stuck = store.schedulesToRepair(scheduleKey);
    } catch (error) {
      this.logger.error("could not look for stuck schedules; the next sweep retries", {
        error: messageOf(error),
      });
      return undefined;
    }
    const restartAll = (schedules: readonly StoredSchedule[]): MaybePromise<unknown> => {
      if (schedules.length === 0) return undefined;
      const written = schedules.map((schedule) => this.restart(schedule));
      if (!written.some(isPromise)) {
        this.hooks.wake();
        return undefined;
      }
      return Promise.all(written).then(() => this.hooks.wake());
    };
    const repaired = isPromise(stuck) ? stuck.then(restartAll) : restartAll(stuck);
    if (!isPromise(repaired)) return undefined;
    const tracked = repaired.then(
      () => undefined,
      (error: unknown) => this.writeFailed(error),
    );
    this.hooks.track(tracked);
    return tracked;
  }

  private restart(schedule: StoredSchedule): MaybePromise<unknown> {
    if (schedule.headJobId === null || schedule.headDueTimeMs === null) return undefined;
    const nowMs = this.clock.now();
    const rule = schedule.rule;
    // A head that is gone (not ended) while its slot is still ahead never ran: plan that slot again.
    // An ended head, or one gone after its slot, is followed by the slot after it.
    const next =
      schedule.headStatus === null && schedule.headDueTimeMs > nowMs
        ? schedule.headDueTimeMs
        : rule.fixedDelayMs !== null
          ? nowMs + rule.fixedDelayMs
          : this.recurrenceOf(rule).next(schedule.headDueTimeMs, nowMs);
    const occurrence: ScheduleOccurrence = {
      scheduleKey: schedule.scheduleKey,
      revision: schedule.revision,
      rule,
      catchUp: false,
    };
    const policy = this.jobs.get(schedule.jobName)?.policy ?? null;
    this.logger.info(
      `schedule "${schedule.scheduleKey}" had no pending occurrence; planning its next slot`,
      {
        after: new Date(schedule.headDueTimeMs).toISOString(),
        next: next === null ? null : new Date(next).toISOString(),
      },
    );
    return this.store.advanceSchedule({
      scheduleKey: schedule.scheduleKey,
      revision: schedule.revision,
      fromJobId: schedule.headJobId,
      fromSlotMs: schedule.headDueTimeMs,
      head:
        next === null
          ? null
          : occurrenceJob(schedule.jobName, schedule.payload, next, occurrence, policy, nowMs),
      catchUp: [],
    });
  }

  private advance(
    claimed: ClaimedRun,
    occurrence: ScheduleOccurrence,
    next: number | null,
    catchUpSlots: readonly number[],
    nowMs: number,
  ): MaybePromise<unknown> {
    const policy = this.jobs.get(claimed.jobName)?.policy ?? null;
    const catchUp: NewRuntimeJob[] = [];
    if (catchUpSlots.length > 0) {
      const replayed: ScheduleOccurrence = { ...occurrence, catchUp: true };
      for (const slotMs of catchUpSlots)
        catchUp.push(
          occurrenceJob(claimed.jobName, claimed.payload, slotMs, replayed, policy, nowMs),
        );
    }
    let written: MaybePromise<boolean>;
    try {
      written = this.store.advanceSchedule({
        scheduleKey: occurrence.scheduleKey,
        revision: occurrence.revision,
        fromJobId: claimed.jobId,
        fromSlotMs: claimed.dueTimeMs,
        head:
          next === null
            ? null
            : occurrenceJob(claimed.jobName, claimed.payload, next, occurrence, policy, nowMs),
        catchUp,
      });
    } catch (error) {
      this.writeFailed(error);
      return undefined;
    }
    if (!isPromise(written)) {
      // biome-ignore lint/nursery/noMisusedPromises: `isPromise` narrowed `written` to a boolean; Biome's inference does not follow the guard
      if (written) this.hooks.wake();
      return written;
    }
    const tracked = written.then(
      (advanced) => {
        if (advanced) this.hooks.wake();
      },
      (error: unknown) => this.writeFailed(error),
    );
    this.hooks.track(tracked);
    return tracked;
  }

  private writeFailed(error: unknown): void {
    this.logger.error(
      "could not plan the next slot of a schedule; the store's next sweep repairs its chain",
      { error: messageOf(error) },
    );
  }

  /**
   * Parsed once per distinct rule, not per schedule: ten thousand tenants on the same cron share
   * one parse when their slots fall due together.
   */
  private recurrenceOf(rule: ScheduleRule): Recurrence {
    const id = `${rule.cron ?? ""}\u0000${rule.timeZone ?? ""}\u0000${rule.fixedRateMs ?? ""}\u0000${rule.fixedDelayMs ?? ""}`;
    let recurrence = this.recurrences.get(id);
    if (recurrence === undefined) {
      if (this.recurrences.size >= MAX_CACHED_RECURRENCES) this.recurrences.clear();
      recurrence = createRecurrence(scheduleSpecOf(rule));
      this.recurrences.set(id, recurrence);
    }
    return recurrence;
  }
}
