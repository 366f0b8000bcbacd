import { ScheduledJob, type IScheduledJob } from "@elarion/runtime";

export interface EmailPayload {
  to: string;
  subject: string;
}

/** Quick, always succeeds: most of the dashboard's "succeeded" rows. */
@ScheduledJob("emails.send")
export class SendEmailJob implements IScheduledJob<EmailPayload> {
  execute(_payload: EmailPayload): void {}
}
