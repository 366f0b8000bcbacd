import { OutcomeMessage } from "../../state/vocabulary.js";
import type { JobCounts } from "../../state/job-query.js";
import type { JobState } from "../../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import { SNAPSHOT_LIST_LIMIT } from "../../state/scheduler-snapshot.js";
import type {
  CancelResult,
  ClaimedRun,
  JobListing,
  JobRetryRequest,
  JobStore,
  KeyHolder,
  NewRuntimeJob,
  RetryRequest,
  RunCompletion,
  RunTicket,
  ScheduleAdvance,
  ScheduleWrite,
  StoredSchedule,
  StoreHost,
} from "../job-store.js";
import { FirstK } from "../../core/first-k.js";
import { ClaimedJobs } from "./claimed-jobs.js";
import { JobTable } from "./job-table.js";
import { KeyHolders } from "./key-holders.js";
import { MemoryJob } from "./memory-job.js";
import { countJobsOf, listJobsOf } from "./memory-job-views.js";
import { MemorySchedules } from "./memory-schedules.js";
import { PausedJobNames } from "./paused-job-names.js";
import { PendingRuns } from "./pending-runs.js";
import { RetainedJobs } from "./retained-jobs.js";

const NOT_FOUND: CancelResult = Object.freeze({
  outcome: "not-found",
  runId: null,
  ownedHere: false,
});
const DEFAULT_RETENTION = 1024;

/**
 * The default, volatile store: runtime jobs live in this process only (like Elarion). Every method
 * answers synchronously. Pending runs sit in a due-time heap with lazy deletion; every job's record
 * is in a {@link JobTable}, indexed by job id lazily (on the first lookup after an insert), so
 * cancel is O(1) amortized among millions and an insert hashes nothing.
 *
 * The operations views (`listJobs`, `countJobs`, snapshot lists) keep no index of their own, so
 * the hot path pays nothing for them: each is one pass over the jobs, O(n) (`listJobs`: O(n log
 * page)), with bounded output — a few milliseconds per million jobs.
 *
 * Invariant: a `MemoryJob` object leaves the pending states only by a claim, which takes it off the
 * queue, or for good: once terminal it is never pending again (retryJob gives the job a new object).
 * So the dead entries it may leave in the queue, a parked list or the retention log never come back
 * to life with a changed due time.
 */
export class MemoryStore implements JobStore {
  readonly name = "memory";
  private readonly jobs = new JobTable();
  private readonly pending = new PendingRuns();
  private readonly claimed = new ClaimedJobs();
  private readonly retained = new RetainedJobs(this.jobs, DEFAULT_RETENTION);
  /**
   * The latest terminal outcome per job name: the job whose run ended (its outcome is read when
   * listed, so a completion allocates nothing), or the frozen outcome of a failed deferred-retry
   * attempt, whose job has already moved on to its next run.
   */
  private readonly latestOutcomes = new Map<string, MemoryJob | OutcomeInfo>();
  private readonly keys = new KeyHolders();
  private readonly schedules = new MemorySchedules({
    add: (job) => this.add(new MemoryJob(job)),
    remove: (job) => this.remove(job),
  });
  private readonly paused = new PausedJobNames();
  private host: StoreHost | undefined;

  open(host: StoreHost): void {
    this.host = host;
    this.retained.limit = host.maxRetainedCompletedJobs;
  }

  close(): void {
    const nowMs = this.host?.now() ?? Date.now();
    for (const job of [...this.pending.entries(), ...this.paused.parkedRuns()]) {
      if (job.isPending)
        this.finish(job, "cancelled", OutcomeMessage.schedulerShutdown, nowMs, null);
    }
    this.pending.clear();
    this.paused.clearParked();
  }

  insertJob(newJob: NewRuntimeJob): KeyHolder | undefined {
    if (newJob.key !== null && newJob.occurrence === null) {
      const holder = this.keys.holder(newJob.jobName, newJob.key);
      if (holder !== undefined) return this.meetHolder(holder, newJob);
    }
    this.add(new MemoryJob(newJob));
    return undefined;
  }

  /** Synchronous, so all or nothing by construction (the scheduler validated every job first). */
  insertJobs(newJobs: readonly NewRuntimeJob[]): (KeyHolder | null)[] {
    return newJobs.map((job) => this.insertJob(job) ?? null);
  }

  private add(job: MemoryJob): MemoryJob {
    this.jobs.add(job);
    if (job.takesKey) this.keys.take(job);
    this.pending.push(job);
    return job;
  }

  /** A keyed insert met the pending job holding its key: keep it, or move it to the new payload and due time. */
  private meetHolder(holder: MemoryJob, newJob: NewRuntimeJob): KeyHolder {
    if (newJob.onDuplicate !== "replace") return holder.toKeyHolder();
    const moved = holder.movedTo(newJob.payload, newJob.dueTimeMs);
    this.keys.handOver(holder, moved);
    holder.detach();
    this.jobs.replace(holder, moved);
    this.pending.push(moved);
    return moved.toKeyHolder();
  }

  /** Deletes a pending job: it never runs, and the store forgets it. */
  private remove(job: MemoryJob): void {
    if (job.takesKey) this.keys.release(job);
    job.detach();
    this.jobs.forget(job);
  }

  claimDueRuns(nowMs: number, limit: number): readonly ClaimedRun[] {
    const claimed: MemoryJob[] = [];
    const pending = this.pending;
    while (claimed.length < limit) {
      const top = pending.peek();
      if (top === undefined || top.dueTimeMs > nowMs) break;
      pending.pop();
      if (!top.isPending) continue;
      if (this.paused.size !== 0 && this.paused.has(top.jobName)) {
        this.paused.park(top);
        continue;
      }
      if (top.takesKey) this.keys.release(top);
      top.status = "running";
      this.claimed.add(top);
      claimed.push(top);
    }
    return claimed;
  }

  nextDueTime(): number | null {
    const pending = this.pending;
    for (;;) {
      const top = pending.peek();
      if (top === undefined) return null;
      if (top.isPending && !(this.paused.size !== 0 && this.paused.has(top.jobName)))
        return top.dueTimeMs;
      pending.pop();
      if (top.isPending) this.paused.park(top);
    }
  }

  markStarted(ticket: RunTicket, startedAtMs: number): boolean {
    const job = claimedBy(ticket);
    if (job === null) return false;
    job.startedAtMs = startedAtMs;
    return true;
  }

  completeRun(ticket: RunTicket, completion: RunCompletion): boolean {
    const job = claimedBy(ticket);
    if (job === null) return false;
    this.finish(
      job,
      completion.status,
      completion.message,
      completion.completedAtMs,
      completion.startedAtMs,
    );
    return true;
  }

  scheduleRetry(ticket: RunTicket, retry: RetryRequest): boolean {
    const job = claimedBy(ticket);
    if (job === null) return false;
    this.claimed.left();
    // The failed attempt's run has ended `failed`: it is its job name's latest outcome until a newer one.
    this.latestOutcomes.set(job.jobName, {
      runId: job.runId,
      jobId: job.jobId,
      jobName: job.jobName,
      dueTime: new Date(job.dueTimeMs),
      startedAt: retry.startedAtMs === null ? null : new Date(retry.startedAtMs),
      completedAt: new Date(retry.failedAtMs),
      isRuntimeScheduled: true,
      status: "failed",
      message: retry.lastError,
    });
    this.jobs.changeRunId(job, retry.newRunId);
    job.attempt = retry.attempt;
    job.dueTimeMs = retry.dueTimeMs;
    job.lastError = retry.lastError;
    job.startedAtMs = null;
    job.status = "waiting-retry";
    // Back to pending: it holds its key again, unless a newer job took it while this one ran.
    if (job.takesKey) this.keys.take(job);
    this.pending.push(job);
    return true;
  }

  /** Volatile: a run that never started is lost with the process, so it ends cancelled. */
  releaseRun(ticket: RunTicket): void {
    const job = claimedBy(ticket);
    if (job !== null)
      this.finish(
        job,
        "cancelled",
        OutcomeMessage.schedulerShutdown,
        this.host?.now() ?? Date.now(),
        null,
      );
  }

  /** Volatile: a body left behind at stop cannot be run again elsewhere, so its run ends cancelled. */
  abandonRun(ticket: RunTicket): void {
    const job = claimedBy(ticket);
    if (job !== null)
      this.finish(
        job,
        "cancelled",
        OutcomeMessage.schedulerShutdown,
        this.host?.now() ?? Date.now(),
        job.startedAtMs,
      );
  }

  cancelJob(jobId: string, atMs: number): CancelResult {
    return this.cancel(this.jobs.get(jobId), atMs);
  }

  cancelRun(runId: string, atMs: number): CancelResult {
    return this.cancel(this.jobs.findByRunId(runId), atMs);
  }

  getJob(jobId: string): JobState | null {
    return this.jobs.get(jobId)?.toJobState() ?? null;
  }

  listQueuedRuns(): readonly RunInfo[] {
    const earliest = new FirstK<MemoryJob>(SNAPSHOT_LIST_LIMIT, dueFirst);
    this.visitPending((job, inDueOrder) => earliest.offer(job) || !inDueOrder);
    return earliest.sorted().map((job) => job.toRunInfo());
  }

  listActiveRuns(): readonly RunInfo[] {
    return this.claimed
      .list()
      .sort(
        (a, b) =>
          (a.startedAtMs ?? Infinity) - (b.startedAtMs ?? Infinity) || a.sequence - b.sequence,
      )
      .slice(0, SNAPSHOT_LIST_LIMIT)
      .map((job) => job.toRunInfo());
  }

  listRecentOutcomes(): readonly OutcomeInfo[] {
    return [...this.latestOutcomes.values()]
      .map((latest) => (latest instanceof MemoryJob ? latest.toOutcomeInfo() : latest))
      .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime());
  }

  nextDueTimes(): ReadonlyMap<string, number> {
    const earliest = new Map<string, number>();
    this.visitPending((job) => {
      const known = earliest.get(job.jobName);
      if (known === undefined || job.dueTimeMs < known) earliest.set(job.jobName, job.dueTimeMs);
      return true;
    });
    return earliest;
  }

  claimOccurrence(_jobName: string, _slotKey: number): boolean {
    return true;
  }

  getSchedule(scheduleKey: string): StoredSchedule | null {
    return this.schedules.get(scheduleKey);
  }

  listSchedules(): readonly StoredSchedule[] {
    return this.schedules.list();
  }

  writeSchedule(write: ScheduleWrite): boolean {
    return this.schedules.write(write);
  }

  removeSchedule(scheduleKey: string): boolean {
    return this.schedules.remove(scheduleKey);
  }

  advanceSchedule(advance: ScheduleAdvance): boolean {
    return this.schedules.advance(advance);
  }

  schedulesToRepair(scheduleKey?: string): readonly StoredSchedule[] {
    return this.schedules.toRepair(scheduleKey);
  }

  listJobs(query: JobListing): readonly JobState[] {
    return listJobsOf(() => this.jobs.values(), query);
  }

  countJobs(jobName: string | null): JobCounts {
    return countJobsOf(this.jobs.values(), jobName);
  }

  /**
   * A new object for the job's new run (see the class invariant): the old one stays terminal, so
   * its entries in the queue, the retention log and the latest outcomes keep meaning what they did.
   */
  retryJob(jobId: string, retry: JobRetryRequest): JobState | null {
    const ended = this.jobs.get(jobId);
    if (ended === undefined || (ended.status !== "failed" && ended.status !== "cancelled"))
      return null;
    const job = new MemoryJob({
      jobId,
      runId: retry.newRunId,
      jobName: ended.jobName,
      payload: ended.payload,
      dueTimeMs: retry.dueTimeMs,
      createdAtMs: ended.createdAtMs,
      correlationId: ended.correlationId,
      maxAttempts: ended.maxAttempts,
      resilience: ended.resilience,
      resilienceMode: ended.resilienceMode,
      traceContext: ended.traceContext,
      key: ended.takesKey ? ended.key : null,
      onDuplicate: "keep",
      occurrence: ended.occurrence,
    });
    // Pending again: it holds its key, unless a newer job took it meanwhile (as a deferred retry).
    if (job.takesKey) this.keys.take(job);
    job.lastError = ended.lastError;
    this.jobs.replace(ended, job);
    this.retained.supersede();
    this.pending.push(job);
    return job.toJobState();
  }

  setJobPaused(jobName: string, paused: boolean): void {
    if (paused) {
      this.paused.pause(jobName);
      return;
    }
    for (const job of this.paused.resume(jobName)) this.pending.push(job);
  }

  isJobPaused(jobName: string): boolean {
    return this.paused.size !== 0 && this.paused.has(jobName);
  }

  pausedJobNames(): ReadonlySet<string> {
    return this.paused.list();
  }

  /** Back to the queue as it was: `waiting-retry` for a deferred retry's attempt, otherwise `queued`. */
  returnRun(ticket: RunTicket): boolean {
    const job = claimedBy(ticket);
    if (job === null) return false;
    this.claimed.left();
    job.status = job.attempt > 1 ? "waiting-retry" : "queued";
    job.startedAtMs = null;
    this.pending.push(job);
    return true;
  }

  /**
   * Offers every queued and waiting-retry run (parked ones included) to `visit`: the queue's lane in
   * due order first, stopped when `visit` returns `false` for one of them, then the rest in no order.
   */
  private visitPending(visit: (job: MemoryJob, inDueOrder: boolean) => boolean): void {
    this.pending.visit((job, inDueOrder) => !job.isPending || visit(job, inDueOrder));
    for (const job of this.paused.parkedRuns()) if (job.isPending) visit(job, false);
  }

  private cancel(job: MemoryJob | undefined, atMs: number): CancelResult {
    if (job === undefined) return NOT_FOUND;
    if (job.isPending) {
      this.finish(job, "cancelled", OutcomeMessage.cancelledBeforeExecution, atMs, null);
      const result: CancelResult = {
        outcome: "cancelled-before-start",
        runId: job.runId,
        ownedHere: true,
        jobId: job.jobId,
        jobName: job.jobName,
        traceContext: job.traceContext,
      };
      return job.occurrence === null
        ? result
        : { ...result, scheduleKey: job.occurrence.scheduleKey };
    }
    if (job.status === "running")
      return { outcome: "abort-active", runId: job.runId, ownedHere: true, jobId: job.jobId };
    return NOT_FOUND;
  }

  private finish(
    job: MemoryJob,
    status: RunCompletion["status"],
    message: string | null,
    completedAtMs: number,
    startedAtMs: number | null,
  ): void {
    if (job.status === "running") this.claimed.left();
    else if (job.takesKey) this.keys.release(job);
    job.status = status;
    job.message = message;
    job.completedAtMs = completedAtMs;
    job.startedAtMs = startedAtMs;
    if (status === "failed") job.lastError = message;
    if (job.occurrence !== null) this.schedules.occurrenceEnded(job);
    this.latestOutcomes.set(job.jobName, job);
    this.retained.push(job);
  }
}

/** Earliest due time first, then queue order. */
function dueFirst(a: MemoryJob, b: MemoryJob): boolean {
  return a.dueTimeMs < b.dueTimeMs || (a.dueTimeMs === b.dueTimeMs && a.sequence < b.sequence);
}

/**
 * The job a ticket holds, or `null` when the ticket no longer holds: the job moved on to another
 * attempt (the claimed object is the job itself, reused across attempts) or is no longer running.
 */
function claimedBy(ticket: RunTicket): MemoryJob | null {
  const job = ticket.claimed as MemoryJob;
  return job.status === "running" && job.attempt === ticket.attempt ? job : null;
}

/**
 * The default in-memory store: volatile, this process only, synchronous and fast.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ registry: jobRegistry, services, store: memoryStore() });
 * ```
 */
export function memoryStore(): JobStore {
  return new MemoryStore();
}
