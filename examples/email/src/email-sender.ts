import type { ActivityLog } from "./activity-log.js";

/** What `SendEmailJob` needs from the outside world. Its type name, `EmailSender`, is the service key. */
export interface EmailSender {
  send(to: string, subject: string, body: string, signal: AbortSignal): Promise<void>;
}

/**
 * A fake sender that prints instead of talking SMTP. Addresses listed in `flakyRecipients` fail
 * their first delivery, so the example can show a deferred retry.
 */
export class ConsoleEmailSender implements EmailSender {
  private readonly failedOnce = new Set<string>();

  constructor(
    private readonly log: ActivityLog,
    private readonly flakyRecipients: readonly string[] = [],
  ) {}

  async send(to: string, subject: string, _body: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.flakyRecipients.includes(to) && !this.failedOnce.has(to)) {
      this.failedOnce.add(to);
      this.log.write(`✉  ${to}: SMTP 421, mailbox busy`);
      throw new Error(`SMTP 421 from ${to}: mailbox busy, try again later`);
    }
    this.log.write(`✉  sent "${subject}" to ${to}`);
  }
}
