import type { Clock } from "../core/clock.js";
import { messageOf } from "../core/error-message.js";
import type { Logger } from "../core/logger.js";
import type { MaybePromise } from "../core/maybe-promise.js";
import type { OutcomeInfo } from "../state/run-info.js";
import { OutcomeMessage } from "../state/vocabulary.js";
import type { ClaimedRun, JobStore } from "../stores/job-store.js";
import type { LocalRuns } from "./local-runs.js";
import type { RegisteredJob } from "./registered-job.js";
import { Run } from "./run.js";
import type { ScheduleChains } from "./schedule-chains.js";

/** What admission hands back to the dispatcher. */
export interface ClaimedRunAdmissionEvents {
  /** A runnable run: pass it through the gates. */
  admit(run: Run): void;
  /** End a run admitted here before its body started. */
  finish(run: Run, status: OutcomeInfo["status"], message: string, error?: unknown): void;
  /** Tracks a store write (see StoreWrites). */
  track(result: MaybePromise<unknown>): void;
}

/**
 * Turns a run the store leased to this process into a {@link Run} at the gates — or ends it
 * `failed` with the reason when this build cannot run it (job not registered here, a stored
 * payload it cannot decode, anything thrown while admitting): the runs claimed in the same batch
 * are admitted after it, and no claimed run is left leased with nobody to finish it.
 */
export class ClaimedRunAdmission {
  constructor(
    private readonly deps: {
      readonly jobs: ReadonlyMap<string, RegisteredJob>;
      readonly store: JobStore;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly chains: ScheduleChains;
      readonly runs: LocalRuns;
    },
    private readonly events: ClaimedRunAdmissionEvents,
  ) {}

  /** Admits one claimed run; whatever goes wrong with it ends that run `failed` with the reason. */
  admit(claimed: ClaimedRun): void {
    try {
      this.admitRun(claimed);
    } catch (error) {
      const message = `Run ${claimed.runId} of job "${claimed.jobName}" (job ${claimed.jobId}) could not be started: ${messageOf(error)}.`;
      this.deps.logger.error(message, {
        jobId: claimed.jobId,
        runId: claimed.runId,
        error: messageOf(error),
      });
      const run = this.deps.runs.runtimeRun(claimed.runId, claimed.jobId);
      if (run !== undefined && run.phase !== "done")
        this.events.finish(run, "failed", message, error);
      else if (run === undefined) this.failUnstarted(claimed, message);
    }
  }

  private admitRun(claimed: ClaimedRun): void {
    const { jobs, chains, clock } = this.deps;
    const job = jobs.get(claimed.jobName);
    // An occurrence of a run-time schedule plans its chain first, whatever becomes of this run.
    const occurrenceSkip =
      claimed.occurrence !== null ? chains.claimed(claimed, clock.now()) : null;
    if (job === undefined || job.invoke === null) {
      const known = [...jobs.keys()].join(", ");
      this.failUnstarted(
        claimed,
        `Job "${claimed.jobName}" is not registered in this process (registered: ${known || "none"}); deploy a build whose registry contains it.`,
      );
      return;
    }
    let payload = claimed.payload;
    const codec = job.descriptor.payloadCodec;
    if (codec) {
      // A stored payload this build cannot read ends its run here, never in the job or the loop.
      try {
        payload = codec.decode(payload);
      } catch (error) {
        const message =
          `The stored payload of job "${claimed.jobName}" (job ${claimed.jobId}) cannot be read: ${messageOf(error)}. ` +
          `It was probably written by another deployment; re-enqueue it with a valid payload.`;
        this.deps.logger.error(message, { jobId: claimed.jobId, runId: claimed.runId });
        this.failUnstarted(claimed, message);
        return;
      }
    }
    const occurrence = claimed.occurrence;
    const run = Run.forClaimed(
      occurrence !== null ? chains.gateJobOf(job, occurrence) : job,
      claimed,
      payload,
    );
    this.deps.runs.add(run);
    if (occurrenceSkip !== null) {
      this.events.finish(run, "skipped", occurrenceSkip);
      return;
    }
    if (!job.descriptor.enabled) {
      // A disabled job keeps accepting runs (other processes may enable it) but runs none: each
      // ends at its due time, recorded like a disabled recurring slot (docs/semantics.md#states).
      this.events.finish(run, "skipped", OutcomeMessage.disabled);
      return;
    }
    this.events.admit(run);
  }

  /** Records a claimed run that never became a {@link Run} as `failed` with `message`. */
  private failUnstarted(claimed: ClaimedRun, message: string): void {
    this.events.track(
      this.deps.store.completeRun(
        { claimed, attempt: claimed.attempt },
        { status: "failed", message, completedAtMs: this.deps.clock.now(), startedAtMs: null },
      ),
    );
  }
}
