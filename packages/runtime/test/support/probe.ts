import type { ScheduledJobContext } from "../../src/index.js";

/** One `execute` call seen by a {@link Probe}. */
export interface ProbeCall {
  readonly jobName: string;
  readonly payload: unknown;
  readonly context: ScheduledJobContext;
}

type Behaviour = (payload: unknown, context: ScheduledJobContext) => Promise<void> | void;

/**
 * The service every test job receives: it records calls and runs the behaviour the test sets per
 * job name (default: return at once).
 */
export class Probe {
  readonly calls: ProbeCall[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly callWaiters: Array<{ count: number; resolve: () => void }> = [];

  /** Sets what `execute` of `jobName` does. */
  on(jobName: string, behaviour: Behaviour): void {
    this.behaviours.set(jobName, behaviour);
  }

  execute(jobName: string, payload: unknown, context: ScheduledJobContext): Promise<void> | void {
    this.calls.push({ jobName, payload, context });
    for (const waiter of [...this.callWaiters]) {
      if (this.calls.length >= waiter.count) {
        this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    return this.behaviours.get(jobName)?.(payload, context);
  }

  callsOf(jobName: string): ProbeCall[] {
    return this.calls.filter((call) => call.jobName === jobName);
  }

  /** Resolves once `count` calls (of any job) have been made. */
  whenCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.callWaiters.push({ count, resolve }));
  }
}
