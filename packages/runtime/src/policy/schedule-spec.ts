/** A recurring schedule, normalised to milliseconds (by the generator, or at run time for user-defined schedules). */
export type ScheduleSpec =
  | { readonly kind: "cron"; readonly expression: string; readonly timeZone: string }
  | {
      readonly kind: "fixed-rate";
      readonly intervalMs: number;
      readonly initialDelayMs: number | null;
      readonly runOnStart: boolean;
    }
  | {
      readonly kind: "fixed-delay";
      readonly delayMs: number;
      readonly initialDelayMs: number | null;
      readonly runOnStart: boolean;
    }
  | { readonly kind: "once"; readonly delayMs: number };
