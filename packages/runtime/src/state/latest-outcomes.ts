import type { OutcomeInfo } from "./run-info.js";

/** The latest terminal outcome per job name (recurring occurrences; runtime runs live in the store). */
export class LatestOutcomes {
  private readonly byJobName = new Map<string, OutcomeInfo>();

  record(outcome: OutcomeInfo): void {
    this.byJobName.set(outcome.jobName, outcome);
  }

  list(): OutcomeInfo[] {
    return [...this.byJobName.values()];
  }
}

/** Merges outcome lists into the latest per job name, newest first. */
export function latestPerJobName(...lists: ReadonlyArray<readonly OutcomeInfo[]>): OutcomeInfo[] {
  const latest = new Map<string, OutcomeInfo>();
  for (const list of lists) {
    for (const outcome of list) {
      const known = latest.get(outcome.jobName);
      if (known === undefined || known.completedAt.getTime() <= outcome.completedAt.getTime())
        latest.set(outcome.jobName, outcome);
    }
  }
  return [...latest.values()].sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime());
}
