import { messageOf } from "../core/error-message.js";
import type { Logger } from "../core/logger.js";
import { coded } from "../core/runtime-errors.js";
import type { JobSchedule } from "../dispatch/job-schedule.js";
import type { RegisteredJob } from "../dispatch/registered-job.js";
import {
  parsePlaceholder,
  PLACEHOLDER_OPTIONS,
  type ConfigurationVariables,
} from "../policy/placeholder.js";
import {
  placeholderSyntaxProblems,
  resolveConfiguredSchedule,
  type ConfiguredSchedule,
  type PlaceholderProblem,
  type PlaceholderTexts,
} from "../policy/placeholder-options.js";
import { createRecurrence } from "../policy/recurrence.js";

/** The scheduler's default variables: the process environment, read at start, no subscription. */
export const processEnvironment: ConfigurationVariables = { get: (key) => process.env[key] };

/** One job with configuration placeholders and the schedule it follows now. */
interface ConfiguredJob {
  readonly job: RegisteredJob;
  readonly placeholders: PlaceholderTexts;
  /** The variables its placeholders read. */
  readonly keys: ReadonlySet<string>;
  current: { configured: ConfiguredSchedule; schedule: JobSchedule } | null;
}

/**
 * Resolves the configuration placeholders of the registry's jobs (`JobDescriptor.placeholders`)
 * against the scheduler's `variables`: once at start, where anything unusable is an error, and
 * again whenever `variables.subscribe` reports changed keys, where an unusable value is logged and
 * the job keeps its last valid schedule. Resolution is policy/placeholder-options.ts; re-planning a
 * job's chain is the dispatcher's (RecurringOccurrences.reschedule).
 */
export class LiveConfiguration {
  private readonly jobs: ConfiguredJob[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(
    jobs: Iterable<RegisteredJob>,
    private readonly variables: ConfigurationVariables,
    private readonly logger: Logger,
  ) {
    const malformed: string[] = [];
    for (const job of jobs) {
      const placeholders = job.descriptor.placeholders;
      if (
        placeholders === undefined ||
        placeholders === null ||
        Object.keys(placeholders).length === 0
      )
        continue;
      const problems = placeholderSyntaxProblems(placeholders);
      if (problems.length > 0) {
        malformed.push(...problems.map((problem) => `${where(job)}: ${problem.message}`));
        continue;
      }
      const keys = new Set<string>();
      for (const text of Object.values(placeholders)) {
        const parsed = parsePlaceholder(text!);
        if (parsed.kind === "placeholder") keys.add(parsed.placeholder.key);
      }
      this.jobs.push({ job, placeholders, keys, current: null });
    }
    if (malformed.length > 0) {
      throw coded(
        new RangeError(
          `createScheduler: ${malformed.join("\n")}\nRegenerate the registry; the generator reports malformed placeholders.`,
        ),
        "ELR105",
      );
    }
  }

  /**
   * The schedules of the jobs with placeholders, resolved now. Throws (ELR106) naming each job,
   * option and variable that has no usable value: a variable that is unset and has no default, or
   * a value the option's parser rejects.
   */
  resolveAtStart(nowMs: number): Map<RegisteredJob, JobSchedule> {
    const schedules = new Map<RegisteredJob, JobSchedule>();
    const failures: string[] = [];
    for (const configured of this.jobs) {
      const resolution = this.resolve(configured, nowMs);
      if (!resolution.ok) {
        failures.push(
          ...resolution.problems.map(
            (problem) => `${where(configured.job)}: ${describeProblem(configured, problem)}`,
          ),
        );
        continue;
      }
      configured.current = {
        configured: resolution.options,
        schedule: toJobSchedule(resolution.options),
      };
      schedules.set(configured.job, configured.current.schedule);
    }
    if (failures.length > 0) {
      throw coded(new RangeError(`scheduler.start(): ${failures.join("\n")}`), "ELR106");
    }
    return schedules;
  }

  /**
   * Follows `variables.subscribe`, when the source has it: `changed` hears of every job whose
   * resolved schedule differs from the one it follows.
   */
  follow(now: () => number, changed: (job: RegisteredJob, schedule: JobSchedule) => void): void {
    if (this.jobs.length === 0 || typeof this.variables.subscribe !== "function") return;
    this.unsubscribe = this.variables.subscribe((keys) => {
      try {
        this.onChange(keys, now(), changed);
      } catch (error) {
        this.logger.error("configuration change could not be applied; jobs keep their schedules", {
          error: messageOf(error),
        });
      }
    });
  }

  /** Ends the subscription (scheduler stop). */
  stop(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    try {
      unsubscribe?.();
    } catch (error) {
      this.logger.warn("unsubscribing from configuration variables failed", {
        error: messageOf(error),
      });
    }
  }

  private onChange(
    keys: unknown,
    nowMs: number,
    changed: (job: RegisteredJob, schedule: JobSchedule) => void,
  ): void {
    if (this.unsubscribe === null) return;
    const changedKeys = Array.isArray(keys) ? new Set(keys.map(String)) : null;
    for (const configured of this.jobs) {
      if (changedKeys !== null && ![...configured.keys].some((key) => changedKeys.has(key)))
        continue;
      const previous = configured.current;
      if (previous === null) continue;
      const resolution = this.resolve(configured, nowMs);
      if (!resolution.ok) {
        for (const problem of resolution.problems) {
          this.logger.error(
            `${where(configured.job)}: ${describeProblem(configured, problem)}; the job keeps its schedule (${describeSchedule(previous.configured)})`,
            {
              jobName: configured.job.name,
              option: problem.option,
              key: problem.key,
              value: problem.value,
            },
          );
        }
        continue;
      }
      const next = resolution.options;
      const sameSchedule =
        JSON.stringify(next.schedule) === JSON.stringify(previous.configured.schedule);
      if (sameSchedule && next.enabled === previous.configured.enabled) continue;
      const schedule: JobSchedule = {
        recurrence: sameSchedule ? previous.schedule.recurrence : toJobSchedule(next).recurrence,
        enabled: next.enabled,
      };
      configured.current = { configured: next, schedule };
      this.logger.info(
        `${where(configured.job)}: configuration changed; it now follows ${describeSchedule(next)}`,
        { jobName: configured.job.name },
      );
      changed(configured.job, schedule);
    }
  }

  private resolve(
    configured: ConfiguredJob,
    nowMs: number,
  ): ReturnType<typeof resolveConfiguredSchedule> {
    const descriptor = configured.job.descriptor;
    try {
      return resolveConfiguredSchedule(
        { schedule: descriptor.schedule, enabled: descriptor.enabled },
        configured.placeholders,
        { get: (key) => this.read(key) },
        nowMs,
        descriptor.scheduleOptions ?? null,
      );
    } catch (error) {
      if (!(error instanceof VariableReadError)) throw error;
      const option = PLACEHOLDER_OPTIONS.find((name) => {
        const text = configured.placeholders[name];
        const parsed = text === undefined ? null : parsePlaceholder(text);
        return parsed?.kind === "placeholder" && parsed.placeholder.key === error.key;
      })!;
      return {
        ok: false,
        problems: [{ option, key: error.key, value: null, message: error.message }],
      };
    }
  }

  /** `variables.get`, with what it returns made a string and what it throws named. */
  private read(key: string): string | undefined {
    let value: unknown;
    try {
      value = this.variables.get(key);
    } catch (error) {
      throw new VariableReadError(
        key,
        `variables.get(${JSON.stringify(key)}) threw: ${messageOf(error)}`,
      );
    }
    return value === undefined || value === null ? undefined : String(value);
  }
}

/** A variables source that threw while a placeholder read `key`. */
class VariableReadError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

function toJobSchedule(configured: ConfiguredSchedule): JobSchedule {
  return {
    recurrence: configured.schedule === null ? null : createRecurrence(configured.schedule),
    enabled: configured.enabled,
  };
}

function where(job: RegisteredJob): string {
  return `job "${job.name}" (${job.descriptor.sourceFile})`;
}

function describeProblem(configured: ConfiguredJob, problem: PlaceholderProblem): string {
  const text = configured.placeholders[problem.option];
  const read = problem.value === null ? "" : ` = ${JSON.stringify(problem.value)}`;
  return `option ${problem.option} is ${JSON.stringify(text)}${problem.key === null ? "" : ` (variable ${problem.key}${read})`}: ${problem.message}`;
}

function describeSchedule(configured: ConfiguredSchedule): string {
  const schedule = configured.schedule;
  const described =
    schedule === null
      ? "no schedule"
      : schedule.kind === "cron"
        ? `cron ${JSON.stringify(schedule.expression)} in ${schedule.timeZone}`
        : schedule.kind === "fixed-rate"
          ? `fixed rate ${schedule.intervalMs} ms`
          : schedule.kind === "fixed-delay"
            ? `fixed delay ${schedule.delayMs} ms`
            : `one run ${schedule.delayMs} ms after start`;
  return configured.enabled ? described : `${described}, disabled`;
}
