/** Where the fixture's jobs write, so a test can see what ran. */
export class Outbox {
  readonly sent: string[] = [];
}
