/**
 * What a running job knows about its run. Passed to `execute` (class jobs) and to decorated
 * methods.
 *
 * @example
 * ```ts
 * async execute(payload: SendEmailPayload, context: ScheduledJobContext) {
 *   if (context.attempt > 1) log(`retry ${context.attempt}/${context.maxAttempts} of ${context.jobId}`);
 *   await sender.send(payload.to, payload.subject, payload.body, context.signal);
 * }
 * ```
 */
export interface ScheduledJobContext {
  /** The logical job; stable across deferred retries. */
  readonly jobId: string;
  /** This attempt. */
  readonly runId: string;
  readonly jobName: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly dueTime: Date;
  readonly startedAt: Date;
  readonly schedulingLagMs: number;
  /** `true` for `schedule`/`enqueue` runs, `false` for recurring occurrences. */
  readonly isRuntimeScheduled: boolean;
  readonly correlationId: string | null;
  /** Aborted on cancel, per-attempt timeout and scheduler shutdown; `signal.reason` says which. */
  readonly signal: AbortSignal;
  /** Ends the run `cancelled` even if `execute` returns normally. A no-op after the run ended. */
  requestCancellation(): void;
}

/**
 * A job that can be scheduled at run time with a typed payload.
 *
 * @example
 * ```ts
 * @ScheduledJob("emails.send")
 * export class SendEmailJob implements IScheduledJob<SendEmailPayload> {
 *   constructor(private readonly sender: EmailSender) {}
 *   async execute(payload: SendEmailPayload, context: ScheduledJobContext) {
 *     await this.sender.send(payload.to, payload.subject, payload.body, context.signal);
 *   }
 * }
 * ```
 */
export interface IScheduledJob<TPayload = void> {
  execute(payload: TPayload, context: ScheduledJobContext): Promise<void> | void;
}
