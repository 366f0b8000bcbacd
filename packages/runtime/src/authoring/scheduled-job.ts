import type { ScheduledJobOptions } from "./scheduled-job-options.js";

/**
 * The type of the decorator returned by {@link ScheduledJob}: accepted on classes and on
 * instance/static methods, with TypeScript's standard decorators and with
 * `experimentalDecorators`.
 */
export type ScheduledJobDecorator = (
  target: unknown,
  contextOrKey?: unknown,
  descriptor?: unknown,
) => void;

/**
 * Marks a class (a runtime or recurring job) or a method (a recurring job) for the Elarion
 * generator. The decorator has no run-time effect at all: the generator finds it at build time
 * and prints a descriptor and a direct-invocation delegate into the generated registry. `name` and
 * `options` must be literals or `const`s so the generator can read them.
 *
 * @example
 * ```ts
 * @ScheduledJob("emails.send")
 * export class SendEmailJob implements IScheduledJob<SendEmailPayload> { ... }
 *
 * export class Billing {
 *   @ScheduledJob("billing.daily", { cron: "0 3 * * *", timeZone: "Europe/Vienna" })
 *   static async closeDay(context?: ScheduledJobContext) { ... }
 * }
 * ```
 */
export function ScheduledJob(name: string, options?: ScheduledJobOptions): ScheduledJobDecorator {
  void name;
  void options;
  return noEffect;
}

function noEffect(): void {
  // Intentionally empty: discovery happens at build time, never through decorator side effects.
}
