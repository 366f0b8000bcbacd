import { trace } from "@opentelemetry/api";
import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { Mailer } from "../mailer.js";

export interface SendEmailPayload {
  to: string;
  subject: string;
}

const tracer = trace.getTracer("example-telemetry");

/**
 * The job's own span ("smtp send") needs no wiring: the body runs inside the scheduler's
 * `scheduled emails.send` span, so the span it starts is that span's child.
 */
@ScheduledJob("emails.send")
export class SendEmailJob implements IScheduledJob<SendEmailPayload> {
  constructor(private readonly mailer: Mailer) {}

  async execute(payload: SendEmailPayload, context: ScheduledJobContext): Promise<void> {
    await tracer.startActiveSpan("smtp send", async (span) => {
      try {
        await this.mailer.send(payload.to, payload.subject, context.signal);
      } finally {
        span.end();
      }
    });
  }
}
