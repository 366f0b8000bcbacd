import { OutcomeMessage } from "../../state/vocabulary.js";
import type { JobState } from "../../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import type {
  CancelResult,
  ClaimedRun,
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
import { firstRunIdOf } from "../../core/ids.js";
import { ClaimedJobs } from "./claimed-jobs.js";
import { KeyHolders } from "./key-holders.js";
import { MemoryJob } from "./memory-job.js";
import { MemorySchedules } from "./memory-schedules.js";
import { PendingRuns } from "./pending-runs.js";

const NOT_FOUND: CancelResult = Object.freeze({ outcome: "not-found", runId: null, ownedHere: false });
const DEFAULT_RETENTION = 1024;

/**
 * The default, volatile store: runtime jobs live in this process only (like Elarion). Every method
 * answers synchronously. Pending runs sit in a due-time heap with lazy deletion and are indexed by
 * job id and current run id, so cancel is O(1) among millions.
 */
export class MemoryStore implements JobStore {
  readonly name = "memory";
  private readonly jobs = new Map<string, MemoryJob>();
  /** Jobs whose current run id is not implied by the job id (see `newJobId`). */
  private readonly jobsByExplicitRunId = new Map<string, MemoryJob>();
  private readonly pending = new PendingRuns();
  private readonly claimed = new ClaimedJobs();
  /** Terminal jobs in completion order; `retainedHead` skips the dropped prefix. */
  private readonly retained: MemoryJob[] = [];
  private retainedHead = 0;
  /**
   * The latest terminal outcome per job name: the job whose run ended (its outcome is read when
   * listed, so a completion allocates nothing), or the frozen outcome of a failed deferred-retry
   * attempt, whose job has already moved on to its next run.
   */
  private readonly latestOutcomes = new Map<string, MemoryJob | OutcomeInfo>();
  private readonly keys = new KeyHolders();
  private readonly schedules = new MemorySchedules({ add: (job) => this.add(new MemoryJob(job)), remove: (job) => this.remove(job) });
  private maxRetained = DEFAULT_RETENTION;
  private host: StoreHost | undefined;

  open(host: StoreHost): void {
    this.host = host;
    this.maxRetained = host.maxRetainedCompletedJobs;
  }

  close(): void {
    const nowMs = this.host?.now() ?? Date.now();
    for (const job of this.pending.entries()) {
      if (job.isPending) this.finish(job, "cancelled", OutcomeMessage.schedulerShutdown, nowMs, null);
    }
    this.pending.clear();
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
    this.jobs.set(job.jobId, job);
    if (job.explicitRunId !== null) this.jobsByExplicitRunId.set(job.explicitRunId, job);
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
    this.jobs.set(moved.jobId, moved);
    if (moved.explicitRunId !== null) this.jobsByExplicitRunId.set(moved.explicitRunId, moved);
    this.pending.push(moved);
    return moved.toKeyHolder();
  }

  /** Deletes a pending job: it never runs, and the store forgets it. */
  private remove(job: MemoryJob): void {
    if (job.takesKey) this.keys.release(job);
    job.detach();
    if (this.jobs.get(job.jobId) === job) this.jobs.delete(job.jobId);
    if (job.explicitRunId !== null && this.jobsByExplicitRunId.get(job.explicitRunId) === job) this.jobsByExplicitRunId.delete(job.explicitRunId);
  }

  claimDueRuns(nowMs: number, limit: number): readonly ClaimedRun[] {
    const claimed: MemoryJob[] = [];
    const pending = this.pending;
    while (claimed.length < limit) {
      const top = pending.peek();
      if (top === undefined || top.dueTimeMs > nowMs) break;
      pending.pop();
      if (!top.isPending) continue;
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
      if (top.isPending) return top.dueTimeMs;
      pending.pop();
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
    this.finish(job, completion.status, completion.message, completion.completedAtMs, completion.startedAtMs);
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
    if (job.explicitRunId !== null) this.jobsByExplicitRunId.delete(job.explicitRunId);
    job.explicitRunId = retry.newRunId;
    job.attempt = retry.attempt;
    job.dueTimeMs = retry.dueTimeMs;
    job.lastError = retry.lastError;
    job.startedAtMs = null;
    job.status = "waiting-retry";
    this.jobsByExplicitRunId.set(retry.newRunId, job);
    // Back to pending: it holds its key again, unless a newer job took it while this one ran.
    if (job.takesKey) this.keys.take(job);
    this.pending.push(job);
    return true;
  }

  /** Volatile: a run that never started is lost with the process, so it ends cancelled. */
  releaseRun(ticket: RunTicket): void {
    const job = claimedBy(ticket);
    if (job !== null) this.finish(job, "cancelled", OutcomeMessage.schedulerShutdown, this.host?.now() ?? Date.now(), null);
  }

  cancelJob(jobId: string, atMs: number): CancelResult {
    return this.cancel(this.jobs.get(jobId), atMs);
  }

  cancelRun(runId: string, atMs: number): CancelResult {
    return this.cancel(this.findByRunId(runId), atMs);
  }

  getJob(jobId: string): JobState | null {
    return this.jobs.get(jobId)?.toJobState() ?? null;
  }

  listQueuedRuns(): readonly RunInfo[] {
    return [...this.pending.entries()]
      .filter((job) => job.isPending)
      .sort((a, b) => a.dueTimeMs - b.dueTimeMs)
      .map((job) => job.toRunInfo());
  }

  listActiveRuns(): readonly RunInfo[] {
    return this.claimed
      .list()
      .sort((a, b) => (a.startedAtMs ?? Infinity) - (b.startedAtMs ?? Infinity) || a.sequence - b.sequence)
      .map((job) => job.toRunInfo());
  }

  listRecentOutcomes(): readonly OutcomeInfo[] {
    return [...this.latestOutcomes.values()]
      .map((latest) => (latest instanceof MemoryJob ? latest.toOutcomeInfo() : latest))
      .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime());
  }

  nextDueTimes(): ReadonlyMap<string, number> {
    const earliest = new Map<string, number>();
    for (const job of this.pending.entries()) {
      if (!job.isPending) continue;
      const known = earliest.get(job.jobName);
      if (known === undefined || job.dueTimeMs < known) earliest.set(job.jobName, job.dueTimeMs);
    }
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

  /** The job whose current run is `runId`; an earlier attempt's run id finds nothing. */
  private findByRunId(runId: string): MemoryJob | undefined {
    const explicit = this.jobsByExplicitRunId.get(runId);
    if (explicit !== undefined) return explicit.explicitRunId === runId ? explicit : undefined;
    if (typeof runId !== "string" || runId.length !== 36) return undefined;
    const job = this.jobs.get(firstRunIdOf(runId));
    return job !== undefined && job.explicitRunId === null ? job : undefined;
  }

  private cancel(job: MemoryJob | undefined, atMs: number): CancelResult {
    if (job === undefined) return NOT_FOUND;
    if (job.isPending) {
      this.finish(job, "cancelled", OutcomeMessage.cancelledBeforeExecution, atMs, null);
      const result: CancelResult = { outcome: "cancelled-before-start", runId: job.runId, ownedHere: true, jobId: job.jobId, jobName: job.jobName, traceContext: job.traceContext };
      return job.occurrence === null ? result : { ...result, scheduleKey: job.occurrence.scheduleKey };
    }
    if (job.status === "running") return { outcome: "abort-active", runId: job.runId, ownedHere: true, jobId: job.jobId };
    return NOT_FOUND;
  }

  private finish(job: MemoryJob, status: RunCompletion["status"], message: string | null, completedAtMs: number, startedAtMs: number | null): void {
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
    this.dropBeyondRetention();
  }

  private dropBeyondRetention(): void {
    while (this.retained.length - this.retainedHead > this.maxRetained) {
      const oldest = this.retained[this.retainedHead++]!;
      if (this.jobs.get(oldest.jobId) === oldest) this.jobs.delete(oldest.jobId);
      if (oldest.explicitRunId !== null && this.jobsByExplicitRunId.get(oldest.explicitRunId) === oldest) {
        this.jobsByExplicitRunId.delete(oldest.explicitRunId);
      }
    }
    if (this.retainedHead > 4096 && this.retainedHead * 2 > this.retained.length) {
      this.retained.splice(0, this.retainedHead);
      this.retainedHead = 0;
    }
  }
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
