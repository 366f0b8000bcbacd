import { setTimeout as delay } from "node:timers/promises";

/** Sends an email. `Mailer` is the service key in the generated registry. */
export interface Mailer {
  send(to: string, subject: string, signal: AbortSignal): Promise<void>;
}

/** Pretends to talk to an SMTP server for a few milliseconds and says what it sent. */
export class ConsoleMailer implements Mailer {
  async send(to: string, subject: string, signal: AbortSignal): Promise<void> {
    await delay(20, undefined, { signal });
    console.log(`worker: sent "${subject}" to ${to}`);
  }
}
