import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";
import type { EmailSender } from "../email-sender.js";

/** The payload is plain JSON: the generator derives its validator from this type. */
export interface SendEmailPayload {
  to: string;
  subject: string;
  body: string;
}

/** A runtime job: no schedule of its own, scheduled from app code with a typed payload. */
@ScheduledJob("emails.send")
export class SendEmailJob implements IScheduledJob<SendEmailPayload> {
  constructor(private readonly sender: EmailSender) {}

  async execute(payload: SendEmailPayload, context: ScheduledJobContext): Promise<void> {
    await this.sender.send(payload.to, payload.subject, payload.body, context.signal);
  }
}
