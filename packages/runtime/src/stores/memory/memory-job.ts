import type { ResiliencePolicy } from "../../authoring/resilience-policy.js";
import { firstRunIdOf, isFirstRunIdOf } from "../../core/ids.js";
import type { JobState, JobStatus } from "../../state/job-state.js";
import type { OutcomeInfo, RunInfo } from "../../state/run-info.js";
import type {
  ClaimedRun,
  KeyHolder,
  NewRuntimeJob,
  ResilienceMode,
  ScheduleOccurrence,
} from "../job-store.js";

/**
 * The trace contexts of the jobs that have one (telemetry on), kept beside the jobs rather than in
 * them: a field would cost every pending job 8 bytes whether telemetry is on or not (benchmark
 * suite 4 measures the heap per pending job).
 */
const traceContexts = new WeakMap<MemoryJob, string>();

/**
 * What jobs of one name inserted with the same options share: one frozen object for all of them
 * instead of four fields in each (32 bytes per pending job; benchmark suite 4).
 */
interface JobSpec {
  readonly jobName: string;
  readonly maxAttempts: number;
  readonly resilience: ResiliencePolicy | null;
  readonly resilienceMode: ResilienceMode;
}

/** The latest spec per job name: jobs of a name are mostly inserted with the same options. */
const latestSpecs = new Map<string, JobSpec>();

/** The spec {@link specOf} answered last: consecutive inserts are mostly of one job name (no lookup then). */
let lastSpec: JobSpec | undefined;

function specOf(job: NewRuntimeJob): JobSpec {
  const last = lastSpec;
  if (
    last !== undefined &&
    last.jobName === job.jobName &&
    last.maxAttempts === job.maxAttempts &&
    last.resilience === job.resilience &&
    last.resilienceMode === job.resilienceMode
  ) {
    return last;
  }
  lastSpec = specOfName(job);
  return lastSpec;
}

function specOfName(job: NewRuntimeJob): JobSpec {
  const known = latestSpecs.get(job.jobName);
  if (
    known !== undefined &&
    known.maxAttempts === job.maxAttempts &&
    known.resilience === job.resilience &&
    known.resilienceMode === job.resilienceMode
  ) {
    return known;
  }
  const spec: JobSpec = Object.freeze({
    jobName: job.jobName,
    maxAttempts: job.maxAttempts,
    resilience: job.resilience,
    resilienceMode: job.resilienceMode,
  });
  latestSpecs.set(job.jobName, spec);
  return spec;
}

/**
 * A job's instants (created, due, started, completed) are kept as milliseconds from this instant: a
 * small integer is stored in the job itself, where epoch milliseconds (beyond 2^31) would be a
 * separate 16-byte heap number per field — per pending job (the scale suite's heap figure) and per
 * run (allocation on the throughput path). Exact for every integer time; a time the offset cannot
 * give back exactly is kept aside (a `NaN` offset marks it). Offsets beyond the small-integer range
 * (due times weeks away) are correct too, just boxed again.
 */
const CREATED_BASE_MS = Math.floor(Date.now());
const inexactCreatedTimes = new WeakMap<MemoryJob, number>();
const inexactDueTimes = new WeakMap<MemoryJob, number>();
const inexactStartTimes = new WeakMap<MemoryJob, number>();
const inexactCompletionTimes = new WeakMap<MemoryJob, number>();

/** `ms` as an offset from {@link CREATED_BASE_MS}, or `NaN` when the offset would not give it back exactly. */
function offsetOf(ms: number): number {
  const offset = ms - CREATED_BASE_MS;
  return CREATED_BASE_MS + offset === ms ? offset : Number.NaN;
}

/** The instant an offset of {@link offsetOf} stands for; `NaN` reads the one kept aside. */
function instantOf(offset: number, job: MemoryJob, inexact: WeakMap<MemoryJob, number>): number {
  // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
  return offset === offset ? CREATED_BASE_MS + offset : inexact.get(job)!;
}

/**
 * One runtime job in memory together with its current run: a single object per job keeps the heap
 * per pending job small, and doubles as the {@link ClaimedRun} handed to the dispatcher.
 */
export class MemoryJob implements ClaimedRun {
  readonly jobId: string;
  /** The current run id when it is not implied by the job id (retries, ids made elsewhere). */
  explicitRunId: string | null;
  private readonly spec: JobSpec;
  readonly payload: unknown;
  /** `dueTimeMs` as an offset (see {@link offsetOf}). */
  private dueOffsetMs: number;
  attempt = 1;
  readonly correlationId: string | null;
  /** `createdAtMs - CREATED_BASE_MS`, or `NaN` when that is not exact (see `inexactCreatedTimes`). */
  private readonly createdOffsetMs: number;
  /**
   * The key it was inserted with, or, for an occurrence of a run-time schedule, the occurrence (whose
   * key is the schedule's). One field for both keeps a pending job small (docs: the scale suite).
   */
  private readonly keyed: string | ScheduleOccurrence | null;
  status: JobStatus = "queued";
  /** `startedAtMs` / `completedAtMs` as offsets (see {@link offsetOf}), or `null`. */
  private startedOffsetMs: number | null = null;
  private completedOffsetMs: number | null = null;
  lastError: string | null = null;
  message: string | null = null;
  /** Order of (re)insertion among pending runs: breaks due-time ties, and orders active runs. */
  sequence = 0;
  /** Its slot in the store's `JobTable` log; -1 once it is no longer the table's record. */
  tableSlot = -1;

  constructor(job: NewRuntimeJob) {
    this.jobId = job.jobId;
    this.explicitRunId = isFirstRunIdOf(job.runId, job.jobId) ? null : job.runId;
    this.spec = specOf(job);
    this.payload = job.payload;
    const dueTimeMs = job.dueTimeMs;
    this.dueOffsetMs = offsetOf(dueTimeMs);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
    if (this.dueOffsetMs !== this.dueOffsetMs) inexactDueTimes.set(this, dueTimeMs);
    this.correlationId = job.correlationId;
    const createdAtMs = job.createdAtMs;
    this.createdOffsetMs = offsetOf(createdAtMs);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
    if (this.createdOffsetMs !== this.createdOffsetMs) inexactCreatedTimes.set(this, createdAtMs);
    this.keyed = job.occurrence ?? job.key;
    const traceContext = job.traceContext;
    if (traceContext != null) traceContexts.set(this, traceContext);
  }

  get jobName(): string {
    return this.spec.jobName;
  }

  get maxAttempts(): number {
    return this.spec.maxAttempts;
  }

  get resilience(): ResiliencePolicy | null {
    return this.spec.resilience;
  }

  get resilienceMode(): ResilienceMode {
    return this.spec.resilienceMode;
  }

  get createdAtMs(): number {
    return instantOf(this.createdOffsetMs, this, inexactCreatedTimes);
  }

  get dueTimeMs(): number {
    return instantOf(this.dueOffsetMs, this, inexactDueTimes);
  }

  set dueTimeMs(ms: number) {
    const offset = offsetOf(ms);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
    if (offset !== offset) inexactDueTimes.set(this, ms);
    this.dueOffsetMs = offset;
  }

  get startedAtMs(): number | null {
    const offset = this.startedOffsetMs;
    return offset === null ? null : instantOf(offset, this, inexactStartTimes);
  }

  set startedAtMs(ms: number | null) {
    if (ms === null) {
      this.startedOffsetMs = null;
      return;
    }
    const offset = offsetOf(ms);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
    if (offset !== offset) inexactStartTimes.set(this, ms);
    this.startedOffsetMs = offset;
  }

  get completedAtMs(): number | null {
    const offset = this.completedOffsetMs;
    return offset === null ? null : instantOf(offset, this, inexactCompletionTimes);
  }

  set completedAtMs(ms: number | null) {
    if (ms === null) {
      this.completedOffsetMs = null;
      return;
    }
    const offset = offsetOf(ms);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN check (NaN marks an inexact time)
    if (offset !== offset) inexactCompletionTimes.set(this, ms);
    this.completedOffsetMs = offset;
  }

  get traceContext(): string | null {
    return traceContexts.get(this) ?? null;
  }

  get key(): string | null {
    const keyed = this.keyed;
    return keyed === null || typeof keyed === "string" ? keyed : keyed.scheduleKey;
  }

  get occurrence(): ScheduleOccurrence | null {
    const keyed = this.keyed;
    return keyed === null || typeof keyed === "string" ? null : keyed;
  }

  /** Inserted with `ScheduleOptions.key`: it holds that key while pending, if it got it. */
  get takesKey(): boolean {
    return typeof this.keyed === "string";
  }

  /**
   * No longer the store's record of the job: deleted while pending (a replaced schedule head), or
   * superseded by a copy with another payload and due time (`onDuplicate: "replace"`). Any status
   * but a pending one makes its entry in the pending heap dead; the object is out of every index.
   */
  detach(): void {
    this.status = "cancelled";
  }

  /** A pending copy of this pending job with another payload and due time (same ids and attempt). */
  movedTo(payload: unknown, dueTimeMs: number): MemoryJob {
    const moved = new MemoryJob({ ...this.asNewJob(), payload, dueTimeMs });
    moved.attempt = this.attempt;
    moved.status = this.status;
    moved.lastError = this.lastError;
    return moved;
  }

  /** Its identity and pending run, as a keyed insert that met it reports it. */
  toKeyHolder(): KeyHolder {
    return {
      jobId: this.jobId,
      runId: this.runId,
      dueTimeMs: this.dueTimeMs,
      attempt: this.attempt,
      maxAttempts: this.maxAttempts,
    };
  }

  private asNewJob(): NewRuntimeJob {
    return {
      jobId: this.jobId,
      runId: this.runId,
      jobName: this.jobName,
      payload: this.payload,
      dueTimeMs: this.dueTimeMs,
      createdAtMs: this.createdAtMs,
      correlationId: this.correlationId,
      maxAttempts: this.maxAttempts,
      resilience: this.resilience,
      resilienceMode: this.resilienceMode,
      key: typeof this.keyed === "string" ? this.keyed : null,
      onDuplicate: "keep",
      occurrence: this.occurrence,
      traceContext: this.traceContext,
    };
  }

  get runId(): string {
    return this.explicitRunId ?? firstRunIdOf(this.jobId);
  }

  get isPending(): boolean {
    return this.status === "queued" || this.status === "waiting-retry";
  }

  toJobState(): JobState {
    return {
      jobId: this.jobId,
      currentRunId: this.runId,
      jobName: this.jobName,
      status: this.status,
      attempt: this.attempt,
      maxAttempts: this.maxAttempts,
      nextAttemptDueTime: this.isPending ? new Date(this.dueTimeMs) : null,
      correlationId: this.correlationId,
      key: this.key,
      lastError: this.lastError,
      payload: this.payload,
      createdAt: new Date(this.createdAtMs),
      completedAt: this.completedAtMs === null ? null : new Date(this.completedAtMs),
    };
  }

  toRunInfo(): RunInfo {
    return {
      runId: this.runId,
      jobId: this.jobId,
      jobName: this.jobName,
      dueTime: new Date(this.dueTimeMs),
      startedAt: this.startedAtMs === null ? null : new Date(this.startedAtMs),
      isRuntimeScheduled: true,
      status: this.isPending ? "queued" : "running",
    };
  }

  toOutcomeInfo(): OutcomeInfo {
    return {
      runId: this.runId,
      jobId: this.jobId,
      jobName: this.jobName,
      dueTime: new Date(this.dueTimeMs),
      startedAt: this.startedAtMs === null ? null : new Date(this.startedAtMs),
      completedAt: new Date(this.completedAtMs ?? this.dueTimeMs),
      isRuntimeScheduled: true,
      status: this.status as OutcomeInfo["status"],
      message: this.message,
    };
  }
}
