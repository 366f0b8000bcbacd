import { firstRunIdOf } from "../../core/ids.js";
import type { MemoryJob } from "./memory-job.js";

/** Log entries below which compaction is not worth its pass. */
const MIN_COMPACT_LENGTH = 1024;
/**
 * Most log entries a lookup may have to index at once (a few milliseconds of hashing): beyond it,
 * each insert indexes one entry. A lookup after a million inserts would otherwise block the event
 * loop for the whole million (the scale suite measured 0.3–1.8 s). Large enough for the throughput
 * workload (100,000 enqueues awaited one by one) never to index a job: its table holds ~1–2k live
 * records and compacts before its log reaches 4,096 entries.
 */
export const MAX_UNINDEXED = 4_096;

/**
 * Every job the memory store knows — pending, running and retained terminal ones — as one record
 * per job id, in a log of insertion order, with an index by job id that is built lazily.
 *
 * Why lazy: most jobs are never looked up by id (an enqueued job runs, is retained, and is dropped),
 * and hashing each new 36-character id into a map on insert and again on its retention drop was
 * ~15 % of the in-memory throughput profile. So `add` only appends to the log; the first lookup by
 * id (`get`: `getJob`, `cancelJob`, `retryJob`, `cancelRun`) indexes every entry appended since the
 * previous lookup. Each record is indexed at most once, so a lookup costs O(1) amortized; a process
 * that never looks jobs up by id never hashes one while fewer than `maxUnindexed` records wait —
 * beyond that, each insert indexes the oldest unindexed entry, so no single lookup has more than
 * `maxUnindexed` entries to index (a million pending jobs end up indexed as before).
 *
 * A record leaves the table by {@link forget} (retention drop, deletion of a pending job) or is
 * superseded by {@link replace} (a retry or a keyed move gives the job a new object): its log slot
 * becomes a hole (`null`), skipped by iteration and squeezed out by compaction. Each record knows
 * its slot (`tableSlot`, -1 once out of the table), which is how `forget` finds it in O(1) and how
 * the table knows whether the record was indexed yet.
 *
 * Invariants: `log[job.tableSlot] === job` for every record in the table; the index holds exactly
 * the records in `log[0, indexed)` (by job id); no two records in the table share a job id.
 *
 * Jobs whose current run id is not implied by their job id (retries, ids made elsewhere) are also
 * indexed by that run id — eagerly, as they are few.
 */
export class JobTable {
  private log: (MemoryJob | null)[] = [];
  private holes = 0;
  private readonly byId = new Map<string, MemoryJob>();
  /** `log[0, indexed)` is in {@link byId}. */
  private indexed = 0;
  private readonly byExplicitRunId = new Map<string, MemoryJob>();

  constructor(private readonly maxUnindexed = MAX_UNINDEXED) {}

  /** Log entries a lookup would index first (at most `maxUnindexed`). */
  get unindexed(): number {
    return this.log.length - this.indexed;
  }

  /** Records in the table. */
  get size(): number {
    return this.log.length - this.holes;
  }

  /** Adds a record for a job id the table does not hold. */
  add(job: MemoryJob): void {
    job.tableSlot = this.log.length;
    this.log.push(job);
    if (job.explicitRunId !== null) this.byExplicitRunId.set(job.explicitRunId, job);
    if (this.log.length - this.indexed > this.maxUnindexed) this.indexOldestUnindexed();
  }

  /** `next` becomes the record of `previous`'s job id (same id, a new object). */
  replace(previous: MemoryJob, next: MemoryJob): void {
    this.forget(previous);
    this.add(next);
  }

  /** The record leaves the table (its id finds nothing any more, unless added again). */
  forget(job: MemoryJob): void {
    const slot = job.tableSlot;
    if (slot < 0 || this.log[slot] !== job) return;
    this.log[slot] = null;
    this.holes++;
    job.tableSlot = -1;
    if (slot < this.indexed) this.byId.delete(job.jobId);
    this.forgetExplicitRunId(job);
    if (this.log.length > MIN_COMPACT_LENGTH && this.holes * 2 > this.log.length) this.compact();
  }

  /** Whether `job` is the table's current record of its id. */
  holds(job: MemoryJob): boolean {
    return job.tableSlot >= 0;
  }

  /** The record of `jobId`, indexing what was appended since the last lookup first. */
  get(jobId: string): MemoryJob | undefined {
    if (this.indexed < this.log.length) this.catchUp();
    return this.byId.get(jobId);
  }

  /** The job whose current run is `runId`; an earlier attempt's run id finds nothing. */
  findByRunId(runId: string): MemoryJob | undefined {
    const explicit = this.byExplicitRunId.get(runId);
    if (explicit !== undefined) return explicit.explicitRunId === runId ? explicit : undefined;
    if (typeof runId !== "string" || runId.length !== 36) return undefined;
    const job = this.get(firstRunIdOf(runId));
    return job !== undefined && job.explicitRunId === null ? job : undefined;
  }

  /** `job`'s current run id changes from an explicit one (or none) to `runId` (a deferred retry). */
  changeRunId(job: MemoryJob, runId: string): void {
    this.forgetExplicitRunId(job);
    job.explicitRunId = runId;
    this.byExplicitRunId.set(runId, job);
  }

  /** Every record in insertion order (a replaced record comes where its replacement was added). */
  *values(): IterableIterator<MemoryJob> {
    const log = this.log;
    // Iterates a snapshot length: callers do not add while iterating, and compaction swaps `log`.
    for (let index = 0, length = log.length; index < length; index++) {
      const job = log[index];
      if (job != null) yield job;
    }
  }

  private forgetExplicitRunId(job: MemoryJob): void {
    if (job.explicitRunId !== null && this.byExplicitRunId.get(job.explicitRunId) === job)
      this.byExplicitRunId.delete(job.explicitRunId);
  }

  private indexOldestUnindexed(): void {
    const job = this.log[this.indexed++];
    if (job != null) this.byId.set(job.jobId, job);
  }

  private catchUp(): void {
    const log = this.log;
    for (let index = this.indexed; index < log.length; index++) {
      const job = log[index];
      if (job != null) this.byId.set(job.jobId, job);
    }
    this.indexed = log.length;
  }

  private compact(): void {
    const log = this.log;
    const kept: MemoryJob[] = [];
    let indexed = 0;
    for (let index = 0; index < log.length; index++) {
      const job = log[index];
      if (job == null) continue;
      job.tableSlot = kept.length;
      kept.push(job);
      if (index < this.indexed) indexed = kept.length;
    }
    this.log = kept;
    this.holes = 0;
    this.indexed = indexed;
  }
}
